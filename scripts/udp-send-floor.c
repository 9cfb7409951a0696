/*
 * The kernel's cost of sending small UDP datagrams on loopback, per call style (BENCHMARKS.md,
 * "session 4: kernel send floor"). 100 receiver sockets on 127.0.0.1 are drained by one spinning thread;
 * the main thread sends 120-byte datagrams to them in turn and prints its own CPU time per datagram
 * (getrusage RUSAGE_THREAD: the sender pays the loopback delivery too).
 *
 *   gcc -O2 -o /tmp/udp-send-floor scripts/udp-send-floor.c -lpthread
 *   /tmp/udp-send-floor MODE COUNT     MODE 0: send() on 100 connected sockets; 1: sendto() on one
 *                                      socket; N > 1: sendmmsg() with N datagrams per call
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <fcntl.h>
#define NR 100
int rx[NR]; struct sockaddr_in raddr[NR]; volatile int stop=0;
void* recvloop(void*a){ char buf[2048]; long n=0; while(!stop){ for(int i=0;i<NR;i++){ while(recv(rx[i],buf,sizeof buf,MSG_DONTWAIT)>0) n++; } } return (void*)n; }
double cpu(){ struct rusage r; getrusage(RUSAGE_THREAD,&r); return r.ru_utime.tv_sec+r.ru_utime.tv_usec/1e6+r.ru_stime.tv_sec+r.ru_stime.tv_usec/1e6; }
double sys(){ struct rusage r; getrusage(RUSAGE_THREAD,&r); return r.ru_stime.tv_sec+r.ru_stime.tv_usec/1e6; }
int main(int argc,char**argv){ int batch=atoi(argv[1]); long total=atol(argv[2]);
 for(int i=0;i<NR;i++){ rx[i]=socket(AF_INET,SOCK_DGRAM,0); int sz=4<<20; setsockopt(rx[i],SOL_SOCKET,SO_RCVBUF,&sz,4); struct sockaddr_in a={0}; a.sin_family=AF_INET; a.sin_addr.s_addr=htonl(0x7f000001); bind(rx[i],(void*)&a,sizeof a); socklen_t l=sizeof a; getsockname(rx[i],(void*)&raddr[i],&l);} 
 pthread_t t; pthread_create(&t,0,recvloop,0);
 int tx=socket(AF_INET,SOCK_DGRAM,0); int cx[NR]; for(int i=0;i<NR;i++){cx[i]=socket(AF_INET,SOCK_DGRAM,0); connect(cx[i],(void*)&raddr[i],sizeof raddr[i]);} char payload[120]; memset(payload,7,sizeof payload);
 struct mmsghdr m[64]; struct iovec io[64];
 double c0=cpu(), s0=sys(); long sent=0; int k=0;
 while(sent<total){ if(batch==0){ send(cx[k],payload,sizeof payload,0); k=(k+1)%NR; sent++; } else if(batch==1){ sendto(tx,payload,sizeof payload,0,(void*)&raddr[k],sizeof raddr[k]); k=(k+1)%NR; sent++; }
  else { for(int j=0;j<batch;j++){ io[j].iov_base=payload; io[j].iov_len=sizeof payload; memset(&m[j].msg_hdr,0,sizeof m[j].msg_hdr); m[j].msg_hdr.msg_name=&raddr[k]; m[j].msg_hdr.msg_namelen=sizeof raddr[k]; m[j].msg_hdr.msg_iov=&io[j]; m[j].msg_hdr.msg_iovlen=1; k=(k+1)%NR; }
   int r=sendmmsg(tx,m,batch,0); sent+= r>0?r:0; } }
 double c1=cpu(), s1=sys(); stop=1; void*n; pthread_join(t,&n);
 printf("batch=%d sent=%ld cpu/pkt=%.3f us sys/pkt=%.3f us received=%ld\n",batch,sent,(c1-c0)/sent*1e6,(s1-s0)/sent*1e6,(long)n); }
