#pragma once
#include <node_api.h>

// Each source file adds its functions to the addon's exports (addon.c calls these at load).
void register_jpeg_decode(napi_env env, napi_value exports); // decode (jpeg_decode.c)
void register_jpeg_encode(napi_env env, napi_value exports); // encodeThumbnail (jpeg_encode.c)
void register_warp(napi_env env, napi_value exports);        // warpSampled, boxReduce, detectorTensor (warp.c)
void register_resize(napi_env env, napi_value exports);      // resizeArea (resize.c)

// Finalizer of the pixel buffers the addon hands to JavaScript (hint: their byte length): they live outside
// V8's heap and are reported to it while held, so under load the garbage collector frees finished photos.
void free_reported_pixels(napi_env env, void *data, void *hint);
