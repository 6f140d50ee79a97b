/* global Buffer */
// What Lambda's Node.js runtime gives a function that streams its answer, outside Lambda: the `awslambda` global
// (streamifyResponse, HttpResponseStream.from). The handler it makes answers `{ statusCode, headers, body }`, the body
// read whole, so that a cold start of the clip function can be run and checked like the buffered ones.
import { Writable } from 'node:stream';

if (globalThis.awslambda === undefined) {
  globalThis.awslambda = {
    streamifyResponse: (streaming) => async (event, context) => {
      const chunks = [];
      const answer = { statusCode: 200, headers: {} };
      const stream = new Writable({
        write(chunk, _encoding, done) {
          chunks.push(Buffer.from(chunk));
          done();
        },
      });
      stream.setPrelude = (prelude) => Object.assign(answer, prelude);
      await streaming(event, stream, context);
      return { ...answer, body: Buffer.concat(chunks).toString('latin1') };
    },
    HttpResponseStream: {
      from: (stream, prelude) => {
        stream.setPrelude(prelude);
        return stream;
      },
    },
  };
}
