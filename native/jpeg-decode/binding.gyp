{
  "targets": [
    {
      "target_name": "jpeg_decode",
      "sources": ["jpeg_decode.c", "warp.c", "resize.c"],
      "cflags": ["-O3", "-Wall", "-Wextra", "-ffp-contract=off"],
      "libraries": ["-ljpeg"]
    }
  ]
}
