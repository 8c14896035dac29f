/*
 * kbgp's native addon: the socket options Node cannot set itself.
 *
 * RFC 2385 TCP MD5 signatures are a per-peer key on a TCP socket (Linux: setsockopt TCP_MD5SIG with a
 * struct tcp_md5sig). A listening socket passes its keys on to the connections it accepts; an outgoing
 * connection needs the key before connect(), since the SYN itself is signed — so `socket()` creates the
 * socket here, keyed and bound, and Node connects it (net.Socket({ fd }) then socket.connect()).
 *
 * RFC 5082 GTSM (TTL security) and eBGP multihop are the IP TTL / IPv6 hop limit a socket sends with
 * (IP_TTL, IPV6_UNICAST_HOPS) and the lowest one it accepts (IP_MINTTL, IPV6_MINHOPCOUNT: the kernel drops
 * a segment below it before TCP sees it). `setTtl`/`setMinTtl` pick the options by the socket's own family
 * (getsockopt SO_DOMAIN); `ttl` reads both back.
 *
 * Plain node_api.h (N-API version 8, Node >= 12.22): no dependency, and one build runs on every later Node.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <node_api.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef TCP_MD5SIG
#define TCP_MD5SIG 14
#endif
#ifndef TCP_MD5SIG_MAXKEYLEN
#define TCP_MD5SIG_MAXKEYLEN 80
#endif

/* Throw `msg: strerror(err)` with the errno name as code (EINVAL, ENOENT, …) and return NULL. */
static napi_value throw_errno(napi_env env, const char *what, int err) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s: %s", what, strerror(err));
  const char *code = NULL;
  switch (err) {
    case EINVAL: code = "EINVAL"; break;
    case ENOENT: code = "ENOENT"; break;
    case ENOPROTOOPT: code = "ENOPROTOOPT"; break;
    case EBADF: code = "EBADF"; break;
    case EADDRNOTAVAIL: code = "EADDRNOTAVAIL"; break;
    case EADDRINUSE: code = "EADDRINUSE"; break;
    case EPERM: code = "EPERM"; break;
    case EACCES: code = "EACCES"; break;
    case ENOTSOCK: code = "ENOTSOCK"; break;
    case EAFNOSUPPORT: code = "EAFNOSUPPORT"; break;
    default: code = NULL;
  }
  napi_throw_error(env, code, buf);
  return NULL;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a number");
    return 0;
  }
  return 1;
}

/* Text address -> sockaddr, port 0. Returns the family, or 0 after throwing. */
static int parse_addr(napi_env env, napi_value v, struct sockaddr_storage *ss, socklen_t *len) {
  char text[INET6_ADDRSTRLEN + 1];
  if (napi_get_value_string_utf8(env, v, text, sizeof text, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an address as a string");
    return 0;
  }
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, text, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    *len = sizeof *a4;
    return AF_INET;
  }
  if (inet_pton(AF_INET6, text, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    *len = sizeof *a6;
    return AF_INET6;
  }
  napi_throw_type_error(env, "EINVAL", "not an IP address");
  return 0;
}

/* setsockopt(TCP_MD5SIG) for `peer` on `fd` with `key` (a Buffer, or undefined/null to remove the key). */
static int set_key(napi_env env, int fd, napi_value peer, napi_value key) {
  struct tcp_md5sig sig;
  memset(&sig, 0, sizeof sig);
  socklen_t len;
  if (!parse_addr(env, peer, &sig.tcpm_addr, &len)) return 0;
  napi_valuetype t;
  napi_typeof(env, key, &t);
  if (t != napi_undefined && t != napi_null) {
    void *data;
    size_t n;
    if (napi_get_buffer_info(env, key, &data, &n) != napi_ok) {
      napi_throw_type_error(env, NULL, "expected the key as a Buffer");
      return 0;
    }
    if (n == 0 || n > TCP_MD5SIG_MAXKEYLEN) {
      napi_throw_range_error(env, "EINVAL", "a TCP MD5 key is 1 to 80 bytes");
      return 0;
    }
    memcpy(sig.tcpm_key, data, n);
    sig.tcpm_keylen = (uint16_t)n;
  }
  if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) != 0) {
    throw_errno(env, "setsockopt(TCP_MD5SIG)", errno);
    return 0;
  }
  return 1;
}

/* setKey(fd, peerAddress, key: Buffer | null): set (or, with null, remove) the key for one peer. */
static napi_value SetKey(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "setKey(fd, peer, key)");
    return NULL;
  }
  int32_t fd;
  if (!get_int(env, argv[0], &fd)) return NULL;
  set_key(env, fd, argv[1], argv[2]);
  return NULL;
}

/*
 * socket(peer, key | null, localAddress | null) -> fd: a non-blocking TCP socket of the peer's family with
 * its key set (if any) and, when asked, bound to localAddress (port 0). The caller connects it; the fd is the caller's.
 */
static napi_value Socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "socket(peer, key, localAddress)");
    return NULL;
  }
  struct sockaddr_storage peer;
  socklen_t peer_len;
  int family = parse_addr(env, argv[0], &peer, &peer_len);
  if (!family) return NULL;
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_undefined && t != napi_null && !set_key(env, fd, argv[0], argv[1])) {
    close(fd);
    return NULL;
  }
  napi_typeof(env, argv[2], &t);
  if (t == napi_string) {
    struct sockaddr_storage local;
    socklen_t local_len;
    int lf = parse_addr(env, argv[2], &local, &local_len);
    if (!lf) {
      close(fd);
      return NULL;
    }
    if (lf != family) {
      close(fd);
      napi_throw_error(env, "EINVAL", "local address and peer are of different IP families");
      return NULL;
    }
    if (bind(fd, (struct sockaddr *)&local, local_len) != 0) {
      int err = errno;
      close(fd);
      return throw_errno(env, "bind", err);
    }
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

/* The socket's address family (AF_INET, AF_INET6), or 0 after throwing. */
static int socket_family(napi_env env, int fd) {
  int domain = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) {
    throw_errno(env, "getsockopt(SO_DOMAIN)", errno);
    return 0;
  }
  if (domain != AF_INET && domain != AF_INET6) {
    napi_throw_error(env, "EAFNOSUPPORT", "not an IPv4 or IPv6 socket");
    return 0;
  }
  return domain;
}

/*
 * One integer option at the IPv4 level and, on an IPv6 socket, at the IPv6 level too: a dual-stack IPv6
 * socket carries IPv4-mapped peers in IPv4 packets, which follow the IPv4 options (Linux takes IP_TTL and
 * IP_MINTTL on AF_INET6 TCP sockets). Returns 1, or 0 after throwing.
 */
static int set_both(napi_env env, int fd, int opt4, const char *name4, int opt6, const char *name6, int v) {
  int family = socket_family(env, fd);
  if (!family) return 0;
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, opt6, &v, sizeof v) != 0) {
    throw_errno(env, name6, errno);
    return 0;
  }
  if (setsockopt(fd, IPPROTO_IP, opt4, &v, sizeof v) != 0) {
    throw_errno(env, name4, errno);
    return 0;
  }
  return 1;
}

static int fd_and_int(napi_env env, napi_callback_info info, const char *usage, int32_t *fd, int32_t *v) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return get_int(env, argv[0], fd) && get_int(env, argv[1], v);
}

/* setTtl(fd, ttl): the TTL / hop limit the socket sends with, 1..255, or -1 for the system's default. */
static napi_value SetTtl(napi_env env, napi_callback_info info) {
  int32_t fd, ttl;
  if (!fd_and_int(env, info, "setTtl(fd, ttl)", &fd, &ttl)) return NULL;
  if (ttl != -1 && (ttl < 1 || ttl > 255)) {
    napi_throw_range_error(env, "EINVAL", "a TTL is 1 to 255, or -1 for the default");
    return NULL;
  }
  set_both(env, fd, IP_TTL, "setsockopt(IP_TTL)", IPV6_UNICAST_HOPS, "setsockopt(IPV6_UNICAST_HOPS)", ttl);
  return NULL;
}

/* setMinTtl(fd, min): drop received segments whose TTL / hop limit is below min (0..255, 0 = off). */
static napi_value SetMinTtl(napi_env env, napi_callback_info info) {
  int32_t fd, min;
  if (!fd_and_int(env, info, "setMinTtl(fd, minTtl)", &fd, &min)) return NULL;
  if (min < 0 || min > 255) {
    napi_throw_range_error(env, "EINVAL", "a minimum TTL is 0 to 255");
    return NULL;
  }
  set_both(env, fd, IP_MINTTL, "setsockopt(IP_MINTTL)", IPV6_MINHOPCOUNT, "setsockopt(IPV6_MINHOPCOUNT)", min);
  return NULL;
}

static int get_opt(napi_env env, int fd, int level, int opt, const char *name, int *v) {
  socklen_t len = sizeof *v;
  if (getsockopt(fd, level, opt, v, &len) != 0) {
    throw_errno(env, name, errno);
    return 0;
  }
  return 1;
}

/* ttl(fd) -> { ttl, minTtl }: what the socket's own family's options say now (the TTL as the kernel uses
 * it: the system default when none was set). For checks and tests. */
static napi_value Ttl(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || !get_int(env, argv[0], &fd)) return NULL;
  int family = socket_family(env, fd);
  if (!family) return NULL;
  int ttl, min;
  if (family == AF_INET6) {
    if (!get_opt(env, fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, "getsockopt(IPV6_UNICAST_HOPS)", &ttl)) return NULL;
    if (!get_opt(env, fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, "getsockopt(IPV6_MINHOPCOUNT)", &min)) return NULL;
  } else {
    if (!get_opt(env, fd, IPPROTO_IP, IP_TTL, "getsockopt(IP_TTL)", &ttl)) return NULL;
    if (!get_opt(env, fd, IPPROTO_IP, IP_MINTTL, "getsockopt(IP_MINTTL)", &min)) return NULL;
  }
  napi_value result, v;
  napi_create_object(env, &result);
  napi_create_int32(env, ttl, &v);
  napi_set_named_property(env, result, "ttl", v);
  napi_create_int32(env, min, &v);
  napi_set_named_property(env, result, "minTtl", v);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "setKey", NAPI_AUTO_LENGTH, SetKey, NULL, &fn);
  napi_set_named_property(env, exports, "setKey", fn);
  napi_create_function(env, "socket", NAPI_AUTO_LENGTH, Socket, NULL, &fn);
  napi_set_named_property(env, exports, "socket", fn);
  napi_create_function(env, "setTtl", NAPI_AUTO_LENGTH, SetTtl, NULL, &fn);
  napi_set_named_property(env, exports, "setTtl", fn);
  napi_create_function(env, "setMinTtl", NAPI_AUTO_LENGTH, SetMinTtl, NULL, &fn);
  napi_set_named_property(env, exports, "setMinTtl", fn);
  napi_create_function(env, "ttl", NAPI_AUTO_LENGTH, Ttl, NULL, &fn);
  napi_set_named_property(env, exports, "ttl", fn);
  return exports;
}
