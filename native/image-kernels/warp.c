// The engine's per-face pixel loops (lib/engine/pixel-kernels.ts) in C: the same arithmetic in the same
// order on doubles, so the outputs are bit-identical to the JavaScript (kernels.test.ts checks), at a
// fraction of the time and without V8's bounds checks. Synchronous: each call is well under a millisecond.
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addon.h"

static napi_value new_typed_array(napi_env env, napi_typedarray_type type, size_t length, size_t element_size, void **data) {
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, length * element_size, data, &buffer) != napi_ok) return NULL;
  if (napi_create_typedarray(env, type, length, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

// pixel-kernels.ts sampleEdgeInto: a bilinear sample whose 2×2 neighbourhood leaves the image (outside is black).
static void sample_edge_into(const Image *img, double x, double y, double weight, double *acc) {
  const double x0 = floor(x), y0 = floor(y);
  const double fx = x - x0, fy = y - y0;
  const size_t width = (size_t)img->width;
  for (int j = 0; j < 2; j++) {
    const double yy = y0 + j;
    if (yy < 0 || yy >= img->height) continue;
    const double wy = j == 0 ? 1 - fy : fy;
    for (int i = 0; i < 2; i++) {
      const double xx = x0 + i;
      if (xx < 0 || xx >= img->width) continue;
      const double w = wy * (i == 0 ? 1 - fx : fx) * weight;
      const size_t p = ((size_t)yy * width + (size_t)xx) * 3;
      acc[0] += w * img->data[p];
      acc[1] += w * img->data[p + 1];
      acc[2] += w * img->data[p + 2];
    }
  }
}

// warpSampled(data, width, height, a, b, c, d, e, f, outW, outH, k) → Float32Array [outH, outW, 3].
static napi_value warp_sampled(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  double n[11];
  Image img;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 12 || !get_doubles(env, argv + 1, 11, n) || !get_image(env, argv[0], n[0], n[1], &img) ||
      !(n[8] >= 1 && n[9] >= 1 && n[10] >= 1 && n[8] * n[9] <= 1 << 24 && n[10] <= 16)) {
    napi_throw_type_error(env, NULL, "warpSampled(data, width, height, a, b, c, d, e, f, outW, outH, k)");
    return NULL;
  }
  const double a = n[2], b = n[3], c = n[4], d = n[5], e = n[6], f = n[7];
  const int out_w = (int)n[8], out_h = (int)n[9], k = (int)n[10];
  float *out;
  napi_value result = new_typed_array(env, napi_float32_array, (size_t)out_w * out_h * 3, sizeof(float), (void **)&out);
  if (!result) return NULL;
  const double norm = 1.0 / (k * k);
  double offsets[16];
  for (int s = 0; s < k; s++) offsets[s] = (s + 0.5) / k - 0.5;
  const size_t stride = (size_t)img.width * 3;
  const double max_x = img.width - 1, max_y = img.height - 1;
  const uint8_t *data = img.data;
  for (int v = 0; v < out_h; v++) {
    for (int u = 0; u < out_w; u++) {
      double r = 0, g = 0, bl = 0;
      for (int sj = 0; sj < k; sj++) {
        const double vv = v + offsets[sj];
        for (int si = 0; si < k; si++) {
          const double uu = u + offsets[si];
          const double x = a * uu + b * vv + c;
          const double y = d * uu + e * vv + f;
          if (x >= 0 && y >= 0 && x < max_x && y < max_y) {
            const size_t x0 = (size_t)x, y0 = (size_t)y;
            const double fx = x - x0, fy = y - y0;
            const size_t p = y0 * stride + x0 * 3, q = p + stride;
            const double w00 = (1 - fx) * (1 - fy) * norm, w10 = fx * (1 - fy) * norm, w01 = (1 - fx) * fy * norm, w11 = fx * fy * norm;
            r += w00 * data[p] + w10 * data[p + 3] + w01 * data[q] + w11 * data[q + 3];
            g += w00 * data[p + 1] + w10 * data[p + 4] + w01 * data[q + 1] + w11 * data[q + 4];
            bl += w00 * data[p + 2] + w10 * data[p + 5] + w01 * data[q + 2] + w11 * data[q + 5];
          } else {
            double edge[3] = {0, 0, 0};
            sample_edge_into(&img, x, y, norm, edge);
            r += edge[0];
            g += edge[1];
            bl += edge[2];
          }
        }
      }
      float *o = out + ((size_t)v * out_w + u) * 3;
      o[0] = (float)r;
      o[1] = (float)g;
      o[2] = (float)bl;
    }
  }
  return result;
}

// boxReduce(data, width, height, x0, y0, x1, y1, factor) → Uint8Array: resample.ts boxReduceRegion's loop
// over the region [x0, x1) × [y0, y1) (clipped to the image by the caller; empty reads as black, as there).
static napi_value box_reduce(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  double n[7];
  Image img;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 8 || !get_doubles(env, argv + 1, 7, n) || !get_image(env, argv[0], n[0], n[1], &img) || !(n[6] >= 1 && n[6] <= 4096) ||
      !(n[2] >= 0 && n[3] >= 0 && n[4] <= n[0] && n[5] <= n[1] && n[2] == floor(n[2]) && n[3] == floor(n[3]) && n[4] == floor(n[4]) && n[5] == floor(n[5]))) {
    napi_throw_type_error(env, NULL, "boxReduce(data, width, height, x0, y0, x1, y1, factor)");
    return NULL;
  }
  // A region wholly outside the image comes as x1 ≤ x0 (x1 may be negative): one black pixel per empty axis.
  const int empty_x = !(n[4] > n[2]), empty_y = !(n[5] > n[3]);
  const size_t width = (size_t)n[0], factor = (size_t)n[6];
  const size_t rx0 = (size_t)n[2], ry0 = (size_t)n[3], rx1 = empty_x ? rx0 : (size_t)n[4], ry1 = empty_y ? ry0 : (size_t)n[5];
  const size_t rw = empty_x ? 1 : (rx1 - rx0 + factor - 1) / factor;
  const size_t rh = empty_y ? 1 : (ry1 - ry0 + factor - 1) / factor;
  uint8_t *out;
  napi_value result = new_typed_array(env, napi_uint8_array, rw * rh * 3, 1, (void **)&out);
  if (!result) return NULL;
  memset(out, 0, rw * rh * 3);
  if (empty_x || empty_y) return result;
  double *sums = malloc(rw * 3 * sizeof(double));
  if (!sums) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  const uint8_t *src = img.data;
  for (size_t ry = 0; ry < rh; ry++) {
    memset(sums, 0, rw * 3 * sizeof(double));
    const size_t ys = ry0 + ry * factor;
    const size_t ye = ys + factor < ry1 ? ys + factor : ry1;
    for (size_t y = ys; y < ye; y++) {
      const size_t row = y * width * 3;
      for (size_t rx = 0; rx < rw; rx++) {
        const size_t xs = rx0 + rx * factor;
        const size_t xe = xs + factor < rx1 ? xs + factor : rx1;
        uint32_t r = 0, g = 0, bl = 0;
        for (size_t p = row + xs * 3, end = row + xe * 3; p < end; p += 3) {
          r += src[p];
          g += src[p + 1];
          bl += src[p + 2];
        }
        sums[rx * 3] += r;
        sums[rx * 3 + 1] += g;
        sums[rx * 3 + 2] += bl;
      }
    }
    for (size_t rx = 0; rx < rw; rx++) {
      const size_t xs = rx0 + rx * factor;
      const size_t xe = xs + factor < rx1 ? xs + factor : rx1;
      const double count = (double)((xe - xs) * (ye - ys));
      uint8_t *o = out + (ry * rw + rx) * 3;
      for (int ch = 0; ch < 3; ch++) o[ch] = (uint8_t)round(sums[rx * 3 + ch] / count);
    }
  }
  free(sums);
  return result;
}

// detectorTensor(data, width, height, x0, y0, outW, outH) → Float32Array NCHW: nets/detector.ts detectorTensor.
static napi_value detector_tensor(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  double n[6];
  Image img;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 7 || !get_doubles(env, argv + 1, 6, n) || !get_image(env, argv[0], n[0], n[1], &img) ||
      !(n[4] >= 1 && n[5] >= 1 && n[4] * n[5] <= 1 << 24) || n[2] != floor(n[2]) || n[3] != floor(n[3])) {
    napi_throw_type_error(env, NULL, "detectorTensor(data, width, height, x0, y0, outW, outH)");
    return NULL;
  }
  const long width = (long)n[0], height = (long)n[1], x0 = (long)n[2], y0 = (long)n[3], out_w = (long)n[4], out_h = (long)n[5];
  const size_t plane = (size_t)out_w * out_h;
  float *out;
  napi_value result = new_typed_array(env, napi_float32_array, plane * 3, sizeof(float), (void **)&out);
  if (!result) return NULL;
  memset(out, 0, plane * 3 * sizeof(float));
  for (long y = 0; y < out_h; y++) {
    const long sy = y0 + y;
    if (sy < 0 || sy >= height) continue;
    for (long x = 0; x < out_w; x++) {
      const long sx = x0 + x;
      if (sx < 0 || sx >= width) continue;
      const uint8_t *p = img.data + ((size_t)sy * width + sx) * 3;
      const size_t o = (size_t)y * out_w + x;
      out[o] = (float)((p[0] - 127.0) / 128);
      out[plane + o] = (float)((p[1] - 127.0) / 128);
      out[2 * plane + o] = (float)((p[2] - 127.0) / 128);
    }
  }
  return result;
}

void register_warp(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback fn;
  } functions[] = {{"warpSampled", warp_sampled}, {"boxReduce", box_reduce}, {"detectorTensor", detector_tensor}};
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value fn;
    napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, functions[i].name, fn);
  }
}
