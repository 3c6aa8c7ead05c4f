#pragma once
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

// Each source file adds its functions to the addon's exports (addon.c calls these at load).
void register_jpeg_decode(napi_env env, napi_value exports); // decode (jpeg_decode.c)
void register_jpeg_encode(napi_env env, napi_value exports); // encodeThumbnail (jpeg_encode.c)
void register_warp(napi_env env, napi_value exports);        // warpSampled, boxReduce, detectorTensor (warp.c)
void register_resize(napi_env env, napi_value exports);      // resizeArea (resize.c)

void register_pixels(napi_env env, napi_value exports);      // releasePixels, livePixelBytes (pixels.c)

// RGB pixels from JavaScript: a Uint8Array, HWC, no padding, holding at least width × height × 3 bytes.
typedef struct {
  const uint8_t *data;
  size_t length;
  double width, height;
} Image;
// Arguments (args.c), each 1 when valid: `count` finite numbers from argv; the pixels of a width × height image.
int get_doubles(napi_env env, napi_value *argv, size_t count, double *out);
int get_image(napi_env env, napi_value value, double width, double height, Image *image);

// A job run on a libuv thread (async_job.c): the first member of each job struct, so a job is its AsyncJob.
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref;
} AsyncJob;
// Queues `job` (calloc'ed) to run `execute` on a libuv thread, then `complete` on the JavaScript thread,
// holding `input` alive meanwhile; returns the promise `complete` settles through job->deferred.
napi_value queue_job(napi_env env, AsyncJob *job, napi_value input, const char *name, napi_async_execute_callback execute,
                     napi_async_complete_callback complete);
// The end of every `complete`: lets go of the input and the work item, and frees the job.
void finish_job(napi_env env, AsyncJob *job);

// Pixel buffers handed to JavaScript (pixels.c): reported to V8 while held, freed by releasePixels or the
// garbage collector. `hand_over_pixels` takes ownership of malloc'ed `data` (on failure the caller frees it).
typedef struct OwnedPixels OwnedPixels;
napi_status hand_over_pixels(napi_env env, uint8_t *data, size_t length, napi_value *typed_array);
// An async job reading a buffer pins it (NULL for buffers the addon did not make) and unpins it when done.
OwnedPixels *pin_pixels(napi_env env, napi_value typed_array);
void unpin_pixels(napi_env env, OwnedPixels *owned);
