{
  "targets": [
    {
      "target_name": "image_kernels",
      "sources": ["addon.c", "args.c", "async_job.c", "jpeg_decode.c", "jpeg_encode.c", "pixels.c", "warp.c", "resize.c"],
      "cflags": ["-O3", "-Wall", "-Wextra", "-ffp-contract=off"],
      "libraries": ["-ljpeg"]
    }
  ]
}
