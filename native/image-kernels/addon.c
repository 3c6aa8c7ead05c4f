// The image-kernels addon: JPEG decoding (jpeg_decode.c), face thumbnails (jpeg_encode.c), the engine's per-face pixel loops (warp.c) and the
// pyramid's area resize (resize.c), as one N-API module. Its JavaScript API is declared in lib/engine/native.ts.
#define NAPI_VERSION 8
#include <node_api.h>

#include "addon.h"

static napi_value init(napi_env env, napi_value exports) {
  register_jpeg_decode(env, exports);
  register_jpeg_encode(env, exports);
  register_warp(env, exports);
  register_resize(env, exports);
  register_pixels(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
