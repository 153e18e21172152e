/*
 * The auth bench's second client: one RTMP publish with blocking sockets, as an encoder written in C waits for each
 * answer (FFmpeg, OBS and GStreamer are; the bench's Node client wakes through its event loop, ~0.1 ms per step of
 * its own). It sends the bytes it is given, so both clients send the same commands (rtmp-client.ts writes them).
 *
 *   encoder-client PORT CONNECT_FILE CREATE_STREAM_FILE PUBLISH_FILE
 *
 * Prints one line: the answer's code (NetStream.Publish.Start, NetStream.Publish.Denied, _error, closed, timeout)
 * and the times in ms: total, then TCP connect, handshake (C0C1 -> S0S1S2), connect, createStream, publish.
 * An answer is recognised by a marker in the bytes after the request (the answers fit in one chunk at the chunk size
 * the servers announce); a server that says nothing for 10 s is a timeout. Built by encoder-client.ts with `cc`.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define HANDSHAKE_BYTES 1536
#define MAX_FILE_BYTES 65536

static unsigned char received[1 << 17];
static size_t received_bytes = 0;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static unsigned char *read_file(const char *name, size_t *bytes) {
  FILE *f = fopen(name, "rb");
  if (!f) {
    fprintf(stderr, "encoder-client: cannot read %s\n", name);
    exit(2);
  }
  unsigned char *data = malloc(MAX_FILE_BYTES);
  *bytes = fread(data, 1, MAX_FILE_BYTES, f);
  fclose(f);
  return data;
}

static void finish(const char *code) {
  printf("%s\n", code);
  exit(0);
}

static void write_all(int fd, const unsigned char *data, size_t bytes) {
  while (bytes > 0) {
    ssize_t n = write(fd, data, bytes);
    if (n <= 0) finish("closed");
    data += n;
    bytes -= (size_t)n;
  }
}

/* one blocking read more into `received` */
static void read_more(int fd) {
  if (received_bytes == sizeof received) finish("closed");
  ssize_t n = read(fd, received + received_bytes, sizeof received - received_bytes);
  if (n == 0) finish("closed");
  if (n < 0) finish("timeout");
  received_bytes += (size_t)n;
}

static int seen(const char *marker, size_t from) {
  size_t len = strlen(marker);
  for (size_t i = from; i + len <= received_bytes; i++)
    if (memcmp(received + i, marker, len) == 0) return 1;
  return 0;
}

/* reads until `marker` is among the bytes from `from` on; an _error answer ends the run */
static void wait_for(int fd, const char *marker, size_t from) {
  while (!seen(marker, from)) {
    if (seen("_error", from)) finish("_error");
    read_more(fd);
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: encoder-client PORT CONNECT_FILE CREATE_STREAM_FILE PUBLISH_FILE\n");
    return 2;
  }
  size_t connect_bytes, create_bytes, publish_bytes;
  unsigned char *connect_msg = read_file(argv[2], &connect_bytes);
  unsigned char *create_msg = read_file(argv[3], &create_bytes);
  unsigned char *publish_msg = read_file(argv[4], &publish_bytes);
  static unsigned char c0c1[1 + HANDSHAKE_BYTES] = {3};
  static unsigned char c2_connect[HANDSHAKE_BYTES + MAX_FILE_BYTES];

  struct sockaddr_in server = {0};
  server.sin_family = AF_INET;
  server.sin_port = htons((unsigned short)atoi(argv[1]));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  double t0 = now_ms();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval timeout = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, (struct sockaddr *)&server, sizeof server) != 0) finish("closed");
  double t_tcp = now_ms();

  write_all(fd, c0c1, sizeof c0c1);
  while (received_bytes < 1 + 2 * HANDSHAKE_BYTES) read_more(fd);
  double t_handshake = now_ms();

  /* C2 echoes S1 */
  memcpy(c2_connect, received + 1, HANDSHAKE_BYTES);
  memcpy(c2_connect + HANDSHAKE_BYTES, connect_msg, connect_bytes);
  size_t from = 1 + 2 * HANDSHAKE_BYTES;
  write_all(fd, c2_connect, HANDSHAKE_BYTES + connect_bytes);
  wait_for(fd, "NetConnection.Connect.Success", from);
  double t_connect = now_ms();

  from = received_bytes;
  write_all(fd, create_msg, create_bytes);
  wait_for(fd, "_result", from);
  double t_create = now_ms();

  from = received_bytes;
  write_all(fd, publish_msg, publish_bytes);
  const char *code = NULL;
  while (code == NULL) {
    if (seen("NetStream.Publish.Start", from)) code = "NetStream.Publish.Start";
    else if (seen("NetStream.Publish.Denied", from)) code = "NetStream.Publish.Denied";
    else if (seen("_error", from)) code = "_error";
    else read_more(fd);
  }
  double t_publish = now_ms();
  close(fd);
  printf("%s %.4f %.4f %.4f %.4f %.4f %.4f\n", code, t_publish - t0, t_tcp - t0, t_handshake - t_tcp,
         t_connect - t_handshake, t_create - t_connect, t_publish - t_create);
  return 0;
}
