// JPEG → RGB with the system's libjpeg(-turbo), as an N-API addon. Why not sharp: for a 0.5-1 MP photo
// libvips' pipeline took 6-8 ms where libjpeg alone takes 3-4.5 ms, for the same pixels (docs/engine.md).
// Decodes only what it decodes exactly as libvips does; everything else is a "fallback" for sharp.
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#include "addon.h"

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int warned;
  int too_many_scans;
  char message[JMSG_LENGTH_MAX];
} ErrorManager;

static void on_error(j_common_ptr cinfo) {
  ErrorManager *err = (ErrorManager *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

// Level -1 is a warning (corrupt or truncated data libjpeg papers over): libvips' handling of those
// depends on its fail-on level, so the photo goes to sharp. The decode stops right here rather than
// finishing first: sharp decodes it again anyway, and a damaged progressive file can warn at scan 10 of
// thousands (17 s of CPU for a 125 kB file). Other levels are trace messages.
static void on_message(j_common_ptr cinfo, int level) {
  ErrorManager *err = (ErrorManager *)cinfo->err;
  if (level < 0 && !err->warned) {
    err->warned = 1;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 2);
  }
}

// libjpeg's progress monitor, called as it absorbs the input: a file with more scans than max_scans (every
// scan a pass over the whole image) is stopped here instead of grinding through all of them.
typedef struct {
  struct jpeg_progress_mgr pub;
  int max_scans;
} ScanLimit;

static void on_progress(j_common_ptr cinfo) {
  j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
  ScanLimit *limit = (ScanLimit *)cinfo->progress;
  if (dinfo->input_scan_number > limit->max_scans) {
    ErrorManager *err = (ErrorManager *)cinfo->err;
    err->too_many_scans = 1;
    snprintf(err->message, sizeof err->message, "more than %d scans", limit->max_scans);
    longjmp(err->jump, 3);
  }
}

static unsigned read16(const uint8_t *p, int little) { return little ? p[0] | p[1] << 8 : p[0] << 8 | p[1]; }
static uint32_t read32(const uint8_t *p, int little) {
  return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
                : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

// The EXIF orientation (tag 0x0112 of IFD0) in an APP1 "Exif" segment: 1 when there is none, 0 when the
// tag is there but not a plain 1-8 SHORT (then sharp, whose reading of odd EXIF we do not second-guess).
static unsigned exif_orientation(const uint8_t *data, size_t length) {
  if (length < 14 || memcmp(data, "Exif\0\0", 6) != 0) return 1;
  const uint8_t *tiff = data + 6;
  size_t size = length - 6;
  int little = tiff[0] == 'I' && tiff[1] == 'I';
  if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
  uint32_t ifd = read32(tiff + 4, little);
  if (ifd > size - 2) return 1;
  unsigned count = read16(tiff + ifd, little);
  for (unsigned i = 0; i < count; i++) {
    size_t entry = ifd + 2 + (size_t)i * 12;
    if (entry + 12 > size) return 1;
    if (read16(tiff + entry, little) != 0x0112) continue;
    unsigned value = read16(tiff + entry + 8, little);
    return read16(tiff + entry + 2, little) == 3 && value >= 1 && value <= 8 ? value : 0;
  }
  return 1;
}

// Where stored pixel (sx, sy) goes in the upright image, for EXIF orientation 1-8: pixel index
// start + sx * step_x + sy * step_y. The same pixel moves as libvips' autorotate (decode.test.ts).
typedef struct {
  ptrdiff_t start, step_x, step_y;
  unsigned width, height;
} Placement;

static Placement placement(unsigned orientation, unsigned w, unsigned h) {
  const ptrdiff_t W = w, H = h;
  int quarter = orientation >= 5;
  const ptrdiff_t ow = quarter ? H : W;
  Placement p = {0, 1, ow, quarter ? h : w, quarter ? w : h};
  switch (orientation) {
    case 2: p.start = W - 1; p.step_x = -1; break;
    case 3: p.start = (H - 1) * ow + W - 1; p.step_x = -1; p.step_y = -ow; break;
    case 4: p.start = (H - 1) * ow; p.step_y = -ow; break;
    case 5: p.step_x = ow; p.step_y = 1; break;
    case 6: p.start = H - 1; p.step_x = ow; p.step_y = -1; break;
    case 7: p.start = (W - 1) * ow + H - 1; p.step_x = -ow; p.step_y = -1; break;
    case 8: p.start = (W - 1) * ow; p.step_x = -ow; p.step_y = 1; break;
    default: break;
  }
  return p;
}

// Places a strip of decoded rows (first_row.. first_row + rows - 1) into the upright image, 32 columns at
// a time so the writes of a quarter turn stay within a few cache lines per output row.
static void place_strip(const uint8_t *strip, unsigned w, unsigned first_row, unsigned rows, const Placement *p, uint8_t *out) {
  enum { BLOCK = 32 };
  for (unsigned bx = 0; bx < w; bx += BLOCK) {
    unsigned x_end = bx + BLOCK < w ? bx + BLOCK : w;
    for (unsigned sx = bx; sx < x_end; sx++) {
      ptrdiff_t target = p->start + (ptrdiff_t)sx * p->step_x + (ptrdiff_t)first_row * p->step_y;
      const uint8_t *source = strip + (size_t)sx * 3;
      for (unsigned r = 0; r < rows; r++, target += p->step_y, source += (size_t)w * 3) {
        uint8_t *o = out + target * 3;
        o[0] = source[0];
        o[1] = source[1];
        o[2] = source[2];
      }
    }
  }
}

typedef struct {
  AsyncJob async;
  const uint8_t *input;
  size_t input_length;
  double max_pixels;
  int max_scans;
  // Results.
  uint8_t *pixels;
  unsigned width, height;
  const char *fallback;
  char message[JMSG_LENGTH_MAX];
} DecodeJob;

static void decode_execute(napi_env env, void *data) {
  (void)env;
  DecodeJob *job = (DecodeJob *)data;
  if (job->input_length < 3 || job->input[0] != 0xFF || job->input[1] != 0xD8 || job->input[2] != 0xFF) {
    job->fallback = "not_jpeg";
    return;
  }
  struct jpeg_decompress_struct cinfo;
  ErrorManager err;
  memset(&err, 0, sizeof err);
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  ScanLimit limit;
  memset(&limit, 0, sizeof limit);
  limit.pub.progress_monitor = on_progress;
  limit.max_scans = job->max_scans;
  // volatile: assigned after setjmp and read after a longjmp back to it.
  uint8_t *volatile pixels = NULL;
  uint8_t *volatile strip = NULL;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    free(strip);
    job->fallback = err.too_many_scans ? "too_many_scans" : err.warned ? "warning" : "error";
    memcpy(job->message, err.message, sizeof job->message);
    return;
  }
  jpeg_create_decompress(&cinfo);
  cinfo.progress = &limit.pub;
  jpeg_mem_src(&cinfo, job->input, (unsigned long)job->input_length);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  unsigned orientation = 1, exif_segments = 0;
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
    if (m->marker != JPEG_APP0 + 1 || m->data_length < 6 || memcmp(m->data, "Exif\0\0", 6) != 0) continue;
    exif_segments++;
    orientation = exif_orientation(m->data, m->data_length);
  }
  if (orientation == 0 || exif_segments > 1) job->fallback = "oriented";
  if (cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_GRAYSCALE && cinfo.jpeg_color_space != JCS_RGB) {
    job->fallback = "colour_space";
  }
  if ((double)cinfo.image_width * (double)cinfo.image_height > job->max_pixels) job->fallback = "too_large";
  if (job->fallback) {
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  cinfo.out_color_space = JCS_RGB;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = TRUE;
  jpeg_start_decompress(&cinfo);
  const unsigned w = cinfo.output_width, h = cinfo.output_height;
  const size_t stride = (size_t)w * 3;
  enum { STRIP_ROWS = 32 };
  pixels = (uint8_t *)malloc(stride * h);
  // A rotated photo is decoded a strip at a time and placed upright: no second full-size buffer.
  if (orientation > 1) strip = (uint8_t *)malloc(stride * STRIP_ROWS);
  if (!pixels || (orientation > 1 && !strip)) {
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    free(strip);
    job->fallback = "error";
    snprintf(job->message, sizeof job->message, "out of memory");
    return;
  }
  const Placement place = placement(orientation, w, h);
  while (cinfo.output_scanline < h) {
    unsigned first = cinfo.output_scanline, rows = 0;
    uint8_t *target = orientation > 1 ? strip : pixels + stride * first;
    while (rows < STRIP_ROWS && cinfo.output_scanline < h) {
      JSAMPROW row = target + stride * rows;
      rows += jpeg_read_scanlines(&cinfo, &row, 1);
    }
    if (orientation > 1) place_strip(strip, w, first, rows, &place, pixels);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(strip);
  job->width = place.width;
  job->height = place.height;
  if (err.warned) {
    free(pixels);
    job->fallback = "warning";
    memcpy(job->message, err.message, sizeof job->message);
    return;
  }
  job->pixels = pixels;
}

static void set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value string;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &string);
  napi_set_named_property(env, object, key, string);
}

static void decode_complete(napi_env env, napi_status status, void *data) {
  DecodeJob *job = (DecodeJob *)data;
  napi_value result;
  napi_create_object(env, &result);
  if (status != napi_ok) {
    free(job->pixels);
    set_string(env, result, "fallback", "error");
    set_string(env, result, "message", "decode was cancelled");
  } else if (job->fallback) {
    set_string(env, result, "fallback", job->fallback);
    if (job->message[0]) set_string(env, result, "message", job->message);
  } else {
    napi_value width, height, buffer;
    size_t length = (size_t)job->width * job->height * 3;
    napi_create_uint32(env, job->width, &width);
    napi_create_uint32(env, job->height, &height);
    if (hand_over_pixels(env, job->pixels, length, &buffer) == napi_ok) {
      napi_set_named_property(env, result, "width", width);
      napi_set_named_property(env, result, "height", height);
      napi_set_named_property(env, result, "data", buffer);
    } else {
      free(job->pixels);
      set_string(env, result, "fallback", "error");
      set_string(env, result, "message", "could not hand the pixels to JavaScript");
    }
  }
  napi_resolve_deferred(env, job->async.deferred, result);
  finish_job(env, &job->async);
}

// Scans a JPEG may have when the caller names no limit (lib/limits.ts maxJpegScans; photos have 1-14).
#define DEFAULT_MAX_SCANS 100

// decode(bytes: Uint8Array, maxPixels: number, maxScans?: number): Promise<DecodeResult>
static napi_value decode(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_typed_array = false;
  if (argc < 2 || napi_is_typedarray(env, argv[0], &is_typed_array) != napi_ok || !is_typed_array) {
    napi_throw_type_error(env, NULL, "decode(bytes: Uint8Array, maxPixels: number, maxScans?: number)");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length;
  void *bytes;
  napi_get_typedarray_info(env, argv[0], &type, &length, &bytes, NULL, NULL);
  double max_pixels, max_scans = DEFAULT_MAX_SCANS;
  napi_valuetype scans_type = napi_undefined;
  if (argc >= 3) napi_typeof(env, argv[2], &scans_type);
  // Finite numbers only: a NaN budget would compare false with every size and let any image through.
  if (type != napi_uint8_array || napi_get_value_double(env, argv[1], &max_pixels) != napi_ok || !isfinite(max_pixels) || max_pixels < 1 ||
      (scans_type != napi_undefined && (napi_get_value_double(env, argv[2], &max_scans) != napi_ok || !isfinite(max_scans) || max_scans < 1 || max_scans > 100000))) {
    napi_throw_type_error(env, NULL, "decode(bytes: Uint8Array, maxPixels: number, maxScans?: number)");
    return NULL;
  }
  DecodeJob *job = (DecodeJob *)calloc(1, sizeof(DecodeJob));
  if (!job) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  job->input = (const uint8_t *)bytes;
  job->input_length = length;
  job->max_pixels = max_pixels;
  job->max_scans = (int)max_scans;
  return queue_job(env, &job->async, argv[0], "jpegDecode", decode_execute, decode_complete);
}

void register_jpeg_decode(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "decode", NAPI_AUTO_LENGTH, decode, NULL, &fn);
  napi_set_named_property(env, exports, "decode", fn);
}
