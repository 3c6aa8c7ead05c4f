// Face thumbnails: a square region of decoded RGB pixels, resampled to a small square and encoded as JPEG
// with the system's libjpeg, on a libuv thread. sharp did the same in 2.4 ms for a face shrunk 1.5×, mostly its per-call
// pipeline set-up; this takes 0.6 ms (docs/engine.md). Resampling is separable with a triangle filter
// whose support widens with the reduction (antialiased bilinear), so it shrinks and enlarges alike.
// stdio.h before jpeglib.h: it uses size_t and FILE without including them.
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "addon.h"

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
} EncodeErrors;

static void on_encode_error(j_common_ptr cinfo) { longjmp(((EncodeErrors *)cinfo->err)->jump, 1); }

typedef struct {
  AsyncJob async;
  OwnedPixels *source;
  const uint8_t *pixels;
  unsigned width, height;
  double left, top, side;
  unsigned out_side, quality;
  // Results.
  unsigned char *jpeg;
  unsigned long jpeg_length;
  const char *error;
} EncodeJob;

// Weights of the source samples [first, first + count) for one output sample centred at `center` (source
// pixel units), a triangle of half-width `support`, clamped to [lo, hi), normalised to sum 1.
typedef struct {
  int first, count;
  float *weights;
} Taps;

static int make_taps(double start, double scale, unsigned out, int lo, int hi, Taps *taps, float *pool, int max_taps) {
  const double support = scale > 1.0 ? scale : 1.0;
  for (unsigned o = 0; o < out; o++) {
    const double center = start + (o + 0.5) * scale;
    int first = (int)floor(center - support);
    int last = (int)ceil(center + support);
    if (first < lo) first = lo;
    if (last > hi) last = hi;
    if (last <= first) {
      first = (int)floor(center);
      if (first < lo) first = lo;
      if (first >= hi) first = hi - 1;
      last = first + 1;
    }
    const int count = last - first;
    if (count > max_taps) return 0;
    float *w = pool + (size_t)o * max_taps;
    double sum = 0;
    for (int i = 0; i < count; i++) {
      const double d = fabs(first + i + 0.5 - center) / support;
      w[i] = d < 1.0 ? (float)(1.0 - d) : 0.0f;
      sum += w[i];
    }
    if (sum <= 0) {
      for (int i = 0; i < count; i++) w[i] = 1.0f / count;
    } else {
      for (int i = 0; i < count; i++) w[i] = (float)(w[i] / sum);
    }
    taps[o] = (Taps){first, count, w};
  }
  return 1;
}

static uint8_t clamp_byte(float v) { return v <= 0.0f ? 0 : v >= 255.0f ? 255 : (uint8_t)(v + 0.5f); }

// n × n RGB pixels → a JPEG in a malloc'ed buffer (*jpeg, freed by the caller). 0 when libjpeg failed.
static int compress_square(const uint8_t *rgb, unsigned n, unsigned quality, unsigned char **jpeg, unsigned long *length) {
  struct jpeg_compress_struct cinfo;
  EncodeErrors err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_encode_error;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    free(*jpeg);
    *jpeg = NULL;
    return 0;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, jpeg, length);
  cinfo.image_width = n;
  cinfo.image_height = n;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, (int)quality, TRUE);
  cinfo.optimize_coding = TRUE;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < n) {
    JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * n * 3);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return 1;
}

static void encode_execute(napi_env env, void *data) {
  (void)env;
  EncodeJob *job = (EncodeJob *)data;
  const unsigned n = job->out_side;
  const double scale = job->side / n;
  const int max_taps = (int)ceil(2.0 * (scale > 1.0 ? scale : 1.0)) + 2;
  Taps *xs = malloc(sizeof(Taps) * n), *ys = malloc(sizeof(Taps) * n);
  float *xpool = malloc(sizeof(float) * n * max_taps), *ypool = malloc(sizeof(float) * n * max_taps);
  uint8_t *out = malloc((size_t)n * n * 3);
  float *rows = NULL;
  if (!xs || !ys || !xpool || !ypool || !out) {
    job->error = "out of memory";
    goto done;
  }
  if (!make_taps(job->left, scale, n, 0, (int)job->width, xs, xpool, max_taps) || !make_taps(job->top, scale, n, 0, (int)job->height, ys, ypool, max_taps)) {
    job->error = "region outside the image";
    goto done;
  }
  // Horizontal pass over the source rows the vertical taps read, then the vertical pass.
  const int row_first = ys[0].first, row_last = ys[n - 1].first + ys[n - 1].count;
  rows = malloc(sizeof(float) * (size_t)(row_last - row_first) * n * 3);
  if (!rows) {
    job->error = "out of memory";
    goto done;
  }
  for (int y = row_first; y < row_last; y++) {
    const uint8_t *src = job->pixels + (size_t)y * job->width * 3;
    float *dst = rows + (size_t)(y - row_first) * n * 3;
    for (unsigned o = 0; o < n; o++) {
      float r = 0, g = 0, b = 0;
      for (int i = 0; i < xs[o].count; i++) {
        const uint8_t *p = src + (size_t)(xs[o].first + i) * 3;
        const float w = xs[o].weights[i];
        r += w * p[0], g += w * p[1], b += w * p[2];
      }
      dst[o * 3] = r, dst[o * 3 + 1] = g, dst[o * 3 + 2] = b;
    }
  }
  for (unsigned oy = 0; oy < n; oy++) {
    for (unsigned ox = 0; ox < n; ox++) {
      float r = 0, g = 0, b = 0;
      for (int i = 0; i < ys[oy].count; i++) {
        const float *p = rows + ((size_t)(ys[oy].first + i - row_first) * n + ox) * 3;
        const float w = ys[oy].weights[i];
        r += w * p[0], g += w * p[1], b += w * p[2];
      }
      uint8_t *q = out + ((size_t)oy * n + ox) * 3;
      q[0] = clamp_byte(r), q[1] = clamp_byte(g), q[2] = clamp_byte(b);
    }
  }

  if (!compress_square(out, n, job->quality, &job->jpeg, &job->jpeg_length)) job->error = "JPEG encoding failed";

done:
  free(xs), free(ys), free(xpool), free(ypool), free(out), free(rows);
}

static void encode_complete(napi_env env, napi_status status, void *data) {
  EncodeJob *job = (EncodeJob *)data;
  if (status != napi_ok || job->error || !job->jpeg) {
    napi_value message, error;
    napi_create_string_utf8(env, job->error ? job->error : "encodeThumbnail failed", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->async.deferred, error);
  } else {
    napi_value buffer;
    napi_create_buffer_copy(env, job->jpeg_length, job->jpeg, NULL, &buffer);
    napi_resolve_deferred(env, job->async.deferred, buffer);
  }
  free(job->jpeg);
  unpin_pixels(env, job->source);
  finish_job(env, &job->async);
}

#define ENCODE_USAGE "encodeThumbnail(pixels: Uint8Array, width, height, left, top, side, outSide, quality)"

// encodeThumbnail(pixels, width, height, left, top, side, outSide, quality): Promise<Buffer>. `pixels` is
// RGB, HWC, no padding; the square [left, left + side) × [top, top + side) must lie inside the image.
static napi_value encode_thumbnail(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type type;
  size_t length;
  void *pixels;
  double numbers[7];
  if (argc < 8 || napi_get_typedarray_info(env, argv[0], &type, &length, &pixels, NULL, NULL) != napi_ok || !get_doubles(env, argv + 1, 7, numbers)) {
    napi_throw_type_error(env, NULL, ENCODE_USAGE);
    return NULL;
  }
  const double width = numbers[0], height = numbers[1], left = numbers[2], top = numbers[3], side = numbers[4], out_side = numbers[5], quality = numbers[6];
  if (type != napi_uint8_array || width < 1 || height < 1 || width > 65535 || height > 65535 || (double)length != width * height * 3 ||
      side <= 0 || left < 0 || top < 0 || left + side > width + 1e-6 || top + side > height + 1e-6 || out_side < 1 || out_side > 1024 ||
      quality < 1 || quality > 100) {
    napi_throw_range_error(env, NULL, ENCODE_USAGE);
    return NULL;
  }
  EncodeJob *job = calloc(1, sizeof(EncodeJob));
  if (!job) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  job->pixels = (const uint8_t *)pixels;
  job->width = (unsigned)width, job->height = (unsigned)height;
  job->left = left, job->top = top, job->side = side;
  job->out_side = (unsigned)out_side, job->quality = (unsigned)quality;
  // Pinned: their bytes stay while the job reads them, should they be released meanwhile.
  job->source = pin_pixels(env, argv[0]);
  return queue_job(env, &job->async, argv[0], "jpegEncodeThumbnail", encode_execute, encode_complete);
}

void register_jpeg_encode(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "encodeThumbnail", NAPI_AUTO_LENGTH, encode_thumbnail, NULL, &fn);
  napi_set_named_property(env, exports, "encodeThumbnail", fn);
}
