import { describe, expect, it } from 'vitest';
import { withCredentials, withoutCredentials } from '../../src/data/feedCredentials.js';
import { redactUrl, redactUrls } from '../../src/data/redactUrl.js';

describe('redactUrl', () => {
  it('masks the whole userinfo, a username alone included', () => {
    expect(redactUrl('https://alice:s3cret@feeds.example.com/private.xml')).toBe('https://***@feeds.example.com/private.xml');
    expect(redactUrl('https://ghp_TOKEN123@feeds.example.com/x.xml')).toBe('https://***@feeds.example.com/x.xml');
    expect(redactUrl('https://alice:p%40ss%2Fw@feeds.example.com/x.xml')).toBe('https://***@feeds.example.com/x.xml');
  });

  it('masks the values of secret query parameters and keeps the rest as written', () => {
    expect(redactUrl('https://www.patreon.com/rss/show?auth=AbC123xyz&show=7')).toBe('https://www.patreon.com/rss/show?auth=***&show=7');
    expect(redactUrl('https://h.example/f.xml?a=b%20c&Token=zzz&API_KEY=k')).toBe('https://h.example/f.xml?a=b%20c&Token=***&API_KEY=***');
    expect(redactUrl('https://h.example/f.xml?page=2')).toBe('https://h.example/f.xml?page=2');
  });

  it('leaves an address without secrets exactly as it was', () => {
    for (const url of ['https://feeds.example.com/show.xml', 'http://127.0.0.1:8080/a?b=c#d', 'not a url']) expect(redactUrl(url)).toBe(url);
  });

  it('masks text that does not parse as a URL as text', () => {
    expect(redactUrl('https://alice:pw@host:99999/')).toBe('https://***@host:99999/');
  });
});

describe('redactUrls', () => {
  it('masks every URL in a message, up to the last @ of its authority', () => {
    expect(redactUrls('Could not fetch https://u:p@a.example/x (redirected from http://v:q@b.example/y?token=t).')).toBe(
      'Could not fetch https://***@a.example/x (redirected from http://***@b.example/y?token=***).',
    );
    expect(redactUrls('bad Location https://user:p@ss@evil.example/feed')).toBe('bad Location https://***@evil.example/feed');
  });

  it('keeps an @ in a path or query, and text without URLs', () => {
    expect(redactUrls('see https://h.example/people/@alice?mail=a@b.example')).toBe('see https://h.example/people/@alice?mail=a@b.example');
    expect(redactUrls('write to me@example.com')).toBe('write to me@example.com');
  });
});

describe('withoutCredentials / withCredentials', () => {
  it('splits user:password from the address and puts it back unchanged', () => {
    const split = withoutCredentials('https://us%40er:p%40ss%2Fw@feeds.example.com/f.xml?x=1');
    expect(split).toEqual({ url: 'https://feeds.example.com/f.xml?x=1', credentials: { username: 'us%40er', password: 'p%40ss%2Fw' } });
    expect(withCredentials(split.url, split.credentials)).toBe('https://us%40er:p%40ss%2Fw@feeds.example.com/f.xml?x=1');
  });

  it('leaves an address without credentials (and text that is not a URL) alone', () => {
    expect(withoutCredentials('https://feeds.example.com/f.xml')).toEqual({ url: 'https://feeds.example.com/f.xml' });
    expect(withoutCredentials('not a url')).toEqual({ url: 'not a url' });
    expect(withCredentials('https://feeds.example.com/f.xml', undefined)).toBe('https://feeds.example.com/f.xml');
  });
});
