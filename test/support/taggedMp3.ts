import NodeID3 from 'node-id3';

/**
 * MP3 files made in the tests: an ID3v2.3 tag written by node-id3 (a maintained tag writer that writes CHAP and CTOC
 * frames) followed by MPEG audio frames of silence.
 */

/** One MPEG-1 Layer III frame, 128 kbit/s, 44.1 kHz, no padding (417 bytes): header, then zeroed side info and data (silence). */
export const SILENT_FRAME: Buffer = (() => {
  const frame = Buffer.alloc(417);
  frame.writeUInt32BE(0xfffb9064, 0);
  return frame;
})();

export function silentFrames(count: number): Buffer {
  return Buffer.concat(Array.from({ length: count }, () => SILENT_FRAME));
}

/** The ID3 tag bytes of `tags`, as node-id3 writes them. */
export function id3Tag(tags: NodeID3.Tags): Buffer {
  return NodeID3.create(tags);
}

/** A cover picture of `bytes` bytes (embedded pictures are what make real tags large). */
export function cover(bytes: number): Exclude<NodeID3.Tags['image'], undefined | string> {
  return { mime: 'image/jpeg', type: { id: 3, name: 'front cover' }, description: 'cover', imageBuffer: Buffer.alloc(bytes, 0x5a) };
}
