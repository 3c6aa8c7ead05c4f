// Pixel buffers the addon hands to JavaScript (decoded photos, pyramid levels). They live outside V8's heap
// and are reported to it while held. JavaScript frees each as soon as its photo is done (releasePixels)
// rather than leaving it to the garbage collector: reported memory paces V8's full collections, and a
// server recognizing a photo every 40 ms ran one every ~6 photos (each 30-50 ms of the main thread).
// A buffer that an async job (a resize, a thumbnail) is still reading is freed when that job ends (pins).
// Everything here runs on the JavaScript thread, so no locking.
#include <stdint.h>
#include <stdlib.h>

#include "addon.h"

struct OwnedPixels {
  uint8_t *data;
  size_t length;
  int pins;
  // releasePixels was called: the bytes go as soon as no job reads them.
  int released;
  // Its backing store was let go (collected, or detached by releasePixels): the record goes with the last pin.
  int dead;
};

static int64_t live_bytes;

static void drop_data(napi_env env, OwnedPixels *owned) {
  if (!owned->data) return;
  int64_t total;
  napi_adjust_external_memory(env, -(int64_t)owned->length, &total);
  live_bytes -= (int64_t)owned->length;
  free(owned->data);
  owned->data = NULL;
}

// The backing store was let go (the buffer collected, or detached by releasePixels). A job may still be
// reading it (it was pinned before the detach): then the last unpin frees it.
static void finalize_owned(napi_env env, void *data, void *hint) {
  (void)data;
  OwnedPixels *owned = hint;
  owned->dead = 1;
  if (owned->pins > 0) return;
  drop_data(env, owned);
  free(owned);
}

napi_status hand_over_pixels(napi_env env, uint8_t *data, size_t length, napi_value *typed_array) {
  OwnedPixels *owned = calloc(1, sizeof(OwnedPixels));
  if (!owned) return napi_generic_failure;
  owned->data = data;
  owned->length = length;
  napi_value buffer, arraybuffer;
  napi_status status = napi_create_external_buffer(env, length, data, finalize_owned, owned, &buffer);
  if (status != napi_ok) {
    free(owned);
    return status;
  }
  int64_t total;
  napi_adjust_external_memory(env, (int64_t)length, &total);
  live_bytes += (int64_t)length;
  if (napi_get_typedarray_info(env, buffer, NULL, NULL, NULL, &arraybuffer, NULL) == napi_ok) napi_wrap(env, arraybuffer, owned, NULL, NULL, NULL);
  *typed_array = buffer;
  return napi_ok;
}

static OwnedPixels *owner_of(napi_env env, napi_value typed_array) {
  bool is_typed_array = false;
  napi_value arraybuffer;
  void *owned = NULL;
  if (napi_is_typedarray(env, typed_array, &is_typed_array) != napi_ok || !is_typed_array) return NULL;
  if (napi_get_typedarray_info(env, typed_array, NULL, NULL, NULL, &arraybuffer, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, arraybuffer, &owned) != napi_ok) return NULL;
  return owned;
}

OwnedPixels *pin_pixels(napi_env env, napi_value typed_array) {
  OwnedPixels *owned = owner_of(env, typed_array);
  if (owned) owned->pins++;
  return owned;
}

void unpin_pixels(napi_env env, OwnedPixels *owned) {
  if (!owned) return;
  owned->pins--;
  if (owned->pins > 0) return;
  if (owned->released || owned->dead) drop_data(env, owned);
  if (owned->dead) free(owned);
}

// releasePixels(pixels: Uint8Array): boolean. Detaches the buffer (its length reads 0 from then on) and
// frees its memory now, or when the last job reading it ends. False for a buffer the addon did not make
// or one already released: those are left to the garbage collector.
static napi_value release_pixels(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result, arraybuffer;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  OwnedPixels *owned = argc == 1 ? owner_of(env, argv[0]) : NULL;
  bool released = false;
  if (owned && !owned->released && napi_get_typedarray_info(env, argv[0], NULL, NULL, NULL, &arraybuffer, NULL) == napi_ok) {
    owned->released = 1;
    if (owned->pins == 0) drop_data(env, owned);
    // After the free, but before any JavaScript runs again: nothing can read the freed bytes, and the
    // record is no longer found through the buffer (finalize_owned frees it once the store is let go).
    napi_remove_wrap(env, arraybuffer, NULL);
    napi_detach_arraybuffer(env, arraybuffer);
    released = true;
  }
  napi_get_boolean(env, released, &result);
  return result;
}

// livePixelBytes(): bytes of pixel buffers handed out and not yet freed (tests).
static napi_value live_pixel_bytes(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_double(env, (double)live_bytes, &result);
  return result;
}

void register_pixels(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "releasePixels", NAPI_AUTO_LENGTH, release_pixels, NULL, &fn);
  napi_set_named_property(env, exports, "releasePixels", fn);
  napi_create_function(env, "livePixelBytes", NAPI_AUTO_LENGTH, live_pixel_bytes, NULL, &fn);
  napi_set_named_property(env, exports, "livePixelBytes", fn);
}
