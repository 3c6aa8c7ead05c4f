#pragma once
#include <node_api.h>

// Finalizer of the pixel buffers the addon hands to JavaScript (hint: their byte length): they live outside
// V8's heap and are reported to it while held, so under load the garbage collector frees finished photos.
void free_reported_pixels(napi_env env, void *data, void *hint);
