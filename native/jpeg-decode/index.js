'use strict';
// The compiled binding (node-gyp, at npm install). Loading throws when it was not built: callers fall back.
module.exports = require('./build/Release/jpeg_decode.node');
