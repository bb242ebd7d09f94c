import { describe, expect, it } from 'vitest';
import { withoutListLead } from '../../src/data/search/queryLead.js';

describe('withoutListLead', () => {
  it('drops an "episodes with" lead, in English and Swedish, whatever the case', () => {
    expect(withoutListLead('episodes with Raffi Krikorian')).toBe('Raffi Krikorian');
    expect(withoutListLead('Episode with Ada')).toBe('Ada');
    expect(withoutListLead('all the episodes featuring Grace Hopper')).toBe('Grace Hopper');
    expect(withoutListLead('shows ft. Dave Jones')).toBe('Dave Jones');
    expect(withoutListLead('avsnitt med Jebick Morton')).toBe('Jebick Morton');
    expect(withoutListLead('Alla avsnitten med Åsa Öberg')).toBe('Åsa Öberg');
  });

  it('leaves every other query as it is, and a lead with nothing after it', () => {
    for (const query of ['episode 3', 'episodes', 'episode with', 'the episode about whales', 'with Raffi', 'ferries with episodes with x', 'avsnittet']) {
      expect(withoutListLead(query)).toBe(query);
    }
  });
});
