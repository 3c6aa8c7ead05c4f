import { readBodyWithLimit } from '../http/body-limit';
import { AwsError } from './aws-error';

/**
 * Reads a request body, refusing early once it passes `maxBytes` (so a huge upload is not buffered).
 * The cap sits above the base64 size of a 5 MB image, so ordinary oversize images still reach the
 * decoded-size check and get Rekognition's own error.
 */
export function readBodyLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  return readBodyWithLimit(request, maxBytes,
    () => new AwsError('ImageTooLargeException', `Request body is larger than ${maxBytes} bytes.`));
}
