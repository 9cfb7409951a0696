/*
 * The kernel's cost of one UDP datagram sent with sendmmsg(2) to 100 loopback sockets, with the default
 * path-MTU mode (IP_PMTUDISC_WANT: no DF on an unconnected socket's datagrams, so Linux draws an IP
 * identification from its shared ID table per datagram) and with IP_PMTUDISC_PROBE (DF set, ID 0), as
 * UdpMux sets it (NativeSend.dontFragment). One thread; it drains the receivers between calls, outside
 * the timed part (CLOCK_THREAD_CPUTIME_ID around sendmmsg only). Prints the best of five runs.
 *
 *   gcc -O2 -o /tmp/dont_fragment_floor bench/src/main/c/dont_fragment_floor.c
 *   for i in 1 2 3 4; do /tmp/dont_fragment_floor want 5000; /tmp/dont_fragment_floor probe 5000; done
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define DESTS 100

static double thread_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "want") && strcmp(argv[1], "probe"))) {
        fprintf(stderr, "usage: %s want|probe <rounds>\n", argv[0]);
        return 2;
    }
    int probe = !strcmp(argv[1], "probe");
    int rounds = atoi(argv[2]);
    int sinks[DESTS];
    struct sockaddr_in to[DESTS];
    for (int i = 0; i < DESTS; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        int rcvbuf = 1 << 20;
        sinks[i] = socket(AF_INET, SOCK_DGRAM, 0);
        setsockopt(sinks[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        if (bind(sinks[i], (struct sockaddr *) &a, sizeof a) || getsockname(sinks[i], (struct sockaddr *) &a, &len)) {
            perror("sink");
            return 1;
        }
        to[i] = a;
    }
    int src = socket(AF_INET, SOCK_DGRAM, 0);
    int mode = probe ? IP_PMTUDISC_PROBE : IP_PMTUDISC_WANT;
    if (setsockopt(src, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof mode)) {
        perror("IP_MTU_DISCOVER");
        return 1;
    }
    char payload[120], sink_buf[2048];
    memset(payload, 7, sizeof payload);
    struct iovec iov[DESTS];
    struct mmsghdr msgs[DESTS];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < DESTS; i++) {
        iov[i] = (struct iovec){.iov_base = payload, .iov_len = sizeof payload};
        msgs[i].msg_hdr.msg_name = &to[i];
        msgs[i].msg_hdr.msg_namelen = sizeof to[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    double best = 1e9;
    for (int run = 0; run < 5; run++) {
        double spent = 0;
        for (int r = 0; r < rounds; r++) {
            double t0 = thread_seconds();
            if (sendmmsg(src, msgs, DESTS, 0) != DESTS) {
                perror("sendmmsg");
                return 1;
            }
            spent += thread_seconds() - t0;
            for (int i = 0; i < DESTS; i++) {
                while (recv(sinks[i], sink_buf, sizeof sink_buf, MSG_DONTWAIT) > 0) {
                }
            }
        }
        double us = spent / ((double) rounds * DESTS) * 1e6;
        if (us < best) best = us;
    }
    printf("%s: %.3f us per datagram (best of 5 x %d sendmmsg of %d)\n", argv[1], best, rounds, DESTS);
    return 0;
}
