/**
 * A small hand-kept list for words the word vectors lack or place badly: GloVe 6B is a 2014 vocabulary, so it has
 * no robotaxi, ChatGPT or boostagram, and podcasting terms are rare in it. Each entry maps a folded word or phrase
 * (the tokenizer's form: lowercase, no diacritics, hyphens split) to words the vectors know; the encoder uses
 * those words' vectors in its place. Keep entries to words a listener would type and the vectors cannot place.
 */
export const SYNONYMS: Readonly<Record<string, string>> = {
  // Cars that drive themselves.
  'self driving': 'driverless autonomous car',
  'selfdriving': 'driverless autonomous car',
  robotaxi: 'driverless taxi',
  robotaxis: 'driverless taxi',
  waymo: 'driverless car google',
  fsd: 'driverless autopilot tesla',
  'full self driving': 'driverless autopilot tesla',
  // AI since 2014.
  llm: 'language model artificial intelligence',
  llms: 'language model artificial intelligence',
  chatgpt: 'chatbot artificial intelligence openai',
  gpt: 'chatbot artificial intelligence',
  openai: 'artificial intelligence research company',
  'generative ai': 'artificial intelligence generated images text',
  genai: 'artificial intelligence generated',
  agi: 'artificial intelligence superintelligence',
  ai: 'artificial intelligence',
  copilot: 'assistant artificial intelligence software',
  deepfake: 'fake video artificial intelligence',
  deepfakes: 'fake video artificial intelligence',
  // Podcasting 2.0.
  boostagram: 'donation message podcast',
  boostagrams: 'donation message podcast',
  boost: 'donation tip',
  v4v: 'donation listeners payment',
  value4value: 'donation listeners payment',
  'value for value': 'donation listeners payment',
  podroll: 'podcast recommendations',
  podping: 'podcast update notification',
  satoshis: 'bitcoin payment',
  sats: 'bitcoin payment',
  // Newer everyday words.
  covid: 'coronavirus pandemic virus',
  'covid 19': 'coronavirus pandemic virus',
  crypto: 'cryptocurrency bitcoin',
  nft: 'digital art cryptocurrency',
  nfts: 'digital art cryptocurrency',
  metaverse: 'virtual reality online world',
  tiktok: 'video app social media',
  zoom: 'video call meeting',
  ev: 'electric car',
  evs: 'electric cars',
  wfh: 'remote work home',
};
