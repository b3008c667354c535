const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes` if they are well-formed UTF-8 (RFC 3629), otherwise undefined. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
