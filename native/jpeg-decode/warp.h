#pragma once
#include <node_api.h>

// Adds warpSampled, boxReduce and detectorTensor (warp.c) to the addon's exports.
void register_warp(napi_env env, napi_value exports);
