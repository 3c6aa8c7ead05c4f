#pragma once
#include <node_api.h>

// Adds resizeArea (resize.c) to the addon's exports.
void register_resize(napi_env env, napi_value exports);
