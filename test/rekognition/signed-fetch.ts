import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** POSTs a raw AWS JSON 1.1 body, SigV4-signed as the SDK would, for protocol cases the SDK cannot send. */
export async function signedFetch(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  target: string,
  body: string,
): Promise<Response> {
  const { hostname, port, pathname, host } = new URL(url);
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'rekognition', sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: pathname,
      headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      body,
    }),
  );
  return fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
}
