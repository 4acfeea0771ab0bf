/**
 * MessagePack frames (what the stream sends when the upgrade asks for application/msgpack).
 * They are transcoded to the JSON text of the same frame and then go through the one validating
 * decoder, so there is a single set of field rules. This costs a few µs per frame, which is why
 * JSON is the feed's default codec; msgpack is here for parity with Alpaca's SDKs.
 * Timestamps arrive as the MessagePack timestamp extension (−1) with nanoseconds; they are
 * rendered to RFC 3339 with microsecond digits, the precision the engine keeps.
 */
import { Decoder, decodeTimestampToTimeSpec, Encoder, EXT_TIMESTAMP, ExtensionCodec } from '@msgpack/msgpack';
import { formatRfc3339Us } from './rfc3339.ts';

const extensions = new ExtensionCodec();
extensions.register({
  type: EXT_TIMESTAMP,
  encode: () => null,
  decode: (data) => {
    const { sec, nsec } = decodeTimestampToTimeSpec(data);
    return formatRfc3339Us(sec * 1_000_000 + Math.floor(nsec / 1000));
  },
});

const decoder = new Decoder({ extensionCodec: extensions });
const encoder = new Encoder();

export type TranscodeResult =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly reason: string };

/** A msgpack frame as JSON text, or why it is not a decodable msgpack value. */
export function msgpackFrameToJson(frame: Uint8Array): TranscodeResult {
  try {
    return { ok: true, json: JSON.stringify(decoder.decode(frame)) };
  } catch (error) {
    return {
      ok: false,
      reason: `malformed msgpack frame: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Client actions (auth, subscribe) in msgpack, as the server expects on a msgpack session. */
export function encodeMsgpackAction(action: object): Uint8Array {
  return encoder.encode(action);
}
