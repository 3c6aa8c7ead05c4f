{
  "targets": [
    {
      "target_name": "jpeg_decode",
      "sources": ["jpeg_decode.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-ljpeg"]
    }
  ]
}
