'use strict';
// The compiled binding (node-gyp, at npm install). Loading throws when it was not built: callers fall back.
// Its API is declared once, in lib/engine/native.ts (NativeAddon).
module.exports = require('./build/Release/image_kernels.node');
