// Reading JavaScript arguments the same way in every entry point: numbers that must be finite, and RGB
// pixels (Uint8Array, HWC, no padding) at least as long as their declared size.
#include <math.h>

#include "addon.h"

// NaN and ±Infinity never reach the pixel loops, where a NaN coordinate turned into a size_t index reads far
// outside the image (a crash, or worse).
int get_doubles(napi_env env, napi_value *argv, size_t count, double *out) {
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_double(env, argv[i], &out[i]) != napi_ok || !isfinite(out[i])) return 0;
  }
  return 1;
}

int get_image(napi_env env, napi_value value, double width, double height, Image *image) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) return 0;
  if (!(width >= 1 && height >= 1) || width * height * 3 > (double)length) return 0;
  image->data = data;
  image->length = length;
  image->width = width;
  image->height = height;
  return 1;
}
