{
  "targets": [
    {
      "target_name": "kbgp_tcp_md5",
      "sources": ["tcp_md5.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
