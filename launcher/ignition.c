/*
 * /usr/bin/ignition in the initramfs: the client half of ignition-py's fork server
 * (ignition_py/fork_server.py), in C because it starts in every stage's process and,
 * under emulation (QEMU's TCG), starting an interpreter only to hand the command over
 * costs a stage a tenth of a second (natively 10 ms of CPU against well under 1).
 *
 * It sends its command line, environment, working directory, umask and descriptors 0-2
 * to the server on SOCKET_PATH (IGNITION_PY_FORK_SERVER, when set, names another; empty:
 * none), waits for the process the server forks to run the stage in its place, forwards
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT to it and exits with its exit status. When no
 * server answers as root, or it declines (see fork_server._check_context), the command
 * runs here: this process becomes `python3 -IS` running the agent (agent_cli.main), as
 * the module's launcher script did. A command never runs twice.
 *
 * The request is fork_server's protocol 1: a 4-byte little-endian length, then a
 * marshal-format tuple (1, argv: list of str, environment: dict of bytes to bytes,
 * cwd: bytes, umask: int). The answers are one byte: 'R' and the stand-in's pid (4 bytes
 * little-endian), then 'X' and its exit status (4 bytes, little-endian, signed); or 'D'.
 *
 * Build: cc -O2 -o ignition launcher/ignition.c (debian/rules adds the distribution's
 * flags). -DPYTHON="..." and -DAGENT_PATH="..." (Python code setting sys.path) move the
 * agent elsewhere, as the tests and benchmarks do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SOCKET_PATH "/run/ignition-py/fork-server.sock"
#define SOCKET_VARIABLE "IGNITION_PY_FORK_SERVER"
#ifndef PYTHON
#define PYTHON "/usr/bin/python3"
#endif
#ifndef AGENT_PATH
#define AGENT_PATH "sys.path.insert(0, '/usr/lib/ignition-py')"
#endif

/* Run here: argv[0] stays the command's (usage messages name it) and the process keeps
 * its name (comm), as when the launcher was a script named ignition. */
#define IN_PLACE                                                                           \
    "import sys\n" AGENT_PATH "\n"                                                         \
    "del sys.argv[0]\n"                                                                    \
    "try:\n"                                                                              \
    "    with open('/proc/self/comm', 'w') as comm: comm.write(sys.argv[0].rpartition('/')[2][:15])\n" \
    "except (OSError, ValueError):\n"                                                     \
    "    pass\n"                                                                          \
    "from ignition_py.agent_cli import main\n"                                             \
    "sys.exit(main())\n"

extern char **environ;

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static volatile pid_t stand_in;

struct request {
    unsigned char *data;
    size_t length, room;
    int failed;
};

static void add(struct request *r, const void *bytes, size_t n)
{
    if (r->failed)
        return;
    if (r->length + n > r->room) {
        size_t room = r->room ? r->room : 4096;
        while (room < r->length + n)
            room *= 2;
        unsigned char *data = realloc(r->data, room);
        if (data == NULL) {
            r->failed = 1;
            return;
        }
        r->data = data;
        r->room = room;
    }
    memcpy(r->data + r->length, bytes, n);
    r->length += n;
}

static void add_u32(struct request *r, uint32_t value)
{
    unsigned char le[4] = {(unsigned char)value, (unsigned char)(value >> 8),
                           (unsigned char)(value >> 16), (unsigned char)(value >> 24)};
    add(r, le, sizeof le);
}

/* marshal: a one-byte type code, then a 32-bit count or length, then the items */
static void add_head(struct request *r, char code, size_t count)
{
    if (count > UINT32_MAX)
        r->failed = 1;
    add(r, &code, 1);
    add_u32(r, (uint32_t)count);
}

static void add_string(struct request *r, char code, const char *text, size_t length)
{
    add_head(r, code, length);
    add(r, text, length);
}

/* Python's PEP 538 locale coercion (_Py_LegacyLocaleDetected, _Py_CoerceLegacyLocale),
 * which the server's interpreter (and a launcher in Python) applied to its environment
 * at start: LC_ALL unset and the environment's LC_CTYPE locale "C" (named so, or one not
 * installed) make LC_CTYPE the first of its targets this system has. The name, or NULL
 * (the environment's LC_CTYPE locale then in effect). The server compares locale
 * variables. */
static const char *coerced_locale(void)
{
    static const char *const targets[] = {"C.UTF-8", "C.utf8", "UTF-8"};
    const char *all = getenv("LC_ALL");
    setlocale(LC_CTYPE, "");
    if (all != NULL && *all != '\0')
        return NULL;
    const char *current = setlocale(LC_CTYPE, NULL);
    if (current == NULL || strcmp(current, "C") != 0)
        return NULL;
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++)
        if (setlocale(LC_CTYPE, targets[i]) != NULL)
            return targets[i];
    return NULL;
}

/* Strict UTF-8 (no surrogates, no overlong forms): marshal reads argv as text with
 * surrogatepass, where the agent in place would see surrogate escapes. With `ascii`,
 * 7-bit only: how a locale of another charset decodes the rest is Python's to say. */
static int utf8(const char *text, int ascii)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s != 0) {
        if (ascii && *s >= 0x80)
            return 0;
        size_t n = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ? 2
                 : (*s & 0xf8) == 0xf0 ? 3 : 4;
        if (n == 4 || (n == 1 && *s < 0xc2))
            return 0;
        uint32_t c = n == 0 ? *s : (uint32_t)(*s & (0x3f >> n));
        for (size_t i = 1; i <= n; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            c = c << 6 | (s[i] & 0x3f);
        }
        if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
            (n == 3 && (c < 0x10000 || c > 0x10ffff)))
            return 0;
        s += n + 1;
    }
    return 1;
}

/* Whether `entry`'s name was in an earlier entry: Python keeps the first of two. */
static int seen_before(char **entry, size_t name_length)
{
    for (char **earlier = environ; earlier != entry; earlier++)
        if (strncmp(*earlier, *entry, name_length + 1) == 0)
            return 1;
    return 0;
}

static struct request build_request(int argc, char **argv)
{
    struct request r = {0};
    char cwd[4096];
    mode_t mask = umask(022);
    umask(mask);
    if (getcwd(cwd, sizeof cwd) == NULL) {
        r.failed = 1;
        return r;
    }
    add_u32(&r, 0); /* the length, set below */
    add_head(&r, '(', 5);
    add_head(&r, 'i', 1);
    /* Python decodes argv in its locale: coerced, or the environment's, whose charset
     * (coerced_locale leaves it in effect) may be another than UTF-8 */
    const char *coerced = coerced_locale();
    int ascii = coerced == NULL && strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    add_head(&r, '[', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        if (!utf8(argv[i], ascii))
            r.failed = 1;
        add_string(&r, 'u', argv[i], strlen(argv[i]));
    }
    add(&r, "{", 1);
    if (coerced != NULL) {
        add_string(&r, 's', "LC_CTYPE", 8);
        add_string(&r, 's', coerced, strlen(coerced));
    }
    for (char **entry = environ; *entry != NULL; entry++) {
        const char *equals = strchr(*entry, '=');
        if (equals == NULL || (coerced != NULL && strncmp(*entry, "LC_CTYPE=", 9) == 0))
            continue;
        size_t name_length = (size_t)(equals - *entry);
        if (seen_before(entry, name_length))
            continue;
        add_string(&r, 's', *entry, name_length);
        add_string(&r, 's', equals + 1, strlen(equals + 1));
    }
    add(&r, "0", 1); /* the dict's end */
    add_string(&r, 's', cwd, strlen(cwd));
    add_head(&r, 'i', mask);
    if (!r.failed) {
        uint32_t body = (uint32_t)(r.length - 4);
        for (int i = 0; i < 4; i++)
            r.data[i] = (unsigned char)(body >> (8 * i));
    }
    return r;
}

/* Up to n bytes; fewer when the peer closed the connection or it failed. */
static size_t receive(int fd, void *into, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)into + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

static int32_t little_endian(const unsigned char *bytes)
{
    return (int32_t)((uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
                     (uint32_t)bytes[3] << 24);
}

static int send_request(int fd, const struct request *r)
{
    int fds[3] = {0, 1, 2};
    union {
        char buffer[CMSG_SPACE(sizeof fds)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec part = {r->data, r->length};
    struct msghdr message = {.msg_iov = &part, .msg_iovlen = 1,
                             .msg_control = control.buffer, .msg_controllen = sizeof control.buffer};
    struct cmsghdr *rights = CMSG_FIRSTHDR(&message);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(rights), fds, sizeof fds);
    ssize_t sent = sendmsg(fd, &message, MSG_NOSIGNAL);
    if (sent <= 0)
        return -1;
    for (size_t done = (size_t)sent; done < r->length; done += (size_t)sent) {
        sent = send(fd, r->data + done, r->length - done, MSG_NOSIGNAL);
        if (sent <= 0)
            return -1;
    }
    return 0;
}

static void forward(int signal_number)
{
    int saved = errno;
    if (stand_in > 0)
        kill(stand_in, signal_number);
    errno = saved;
}

/* Connected to a server running as root: whether a stand-in took the command (its pid,
 * 0 when unknown, in *pid). Once it answers 'R' the command is its, whatever follows. */
static int hand_over(int fd, int argc, char **argv, pid_t *pid)
{
    struct ucred peer;
    socklen_t size = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || peer.uid != 0)
        return 0;
    struct request r = build_request(argc, argv);
    int sent = !r.failed && send_request(fd, &r) == 0;
    free(r.data);
    unsigned char answer[4];
    if (!sent || receive(fd, answer, 1) != 1 || answer[0] != 'R')
        return 0;
    *pid = receive(fd, answer, 4) == 4 ? (pid_t)little_endian(answer) : 0;
    if (*pid < 0)
        *pid = 0;
    return 1;
}

/* Served: the stand-in's exit status; -1: run the command here. */
static int delegate(int argc, char **argv)
{
    const char *path = getenv(SOCKET_VARIABLE);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    struct stat info;
    if (path == NULL)
        path = SOCKET_PATH;
    if (*path == '\0' || strlen(path) >= sizeof address.sun_path || stat(path, &info) != 0)
        return -1;
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0)
            return -1; /* a closed standard descriptor cannot be passed on */
    strcpy(address.sun_path, path);

    /* Held until the stand-in's pid is known (then forwarded to it) or the command runs
     * here (then delivered here): none is lost in between. */
    sigset_t held, previous;
    sigemptyset(&held);
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
        sigaddset(&held, forwarded[i]);
    sigprocmask(SIG_BLOCK, &held, &previous);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    pid_t pid = 0;
    int taken = fd >= 0 && connect(fd, (struct sockaddr *)&address, sizeof address) == 0 &&
                hand_over(fd, argc, argv, &pid);
    if (!taken) {
        if (fd >= 0)
            close(fd);
        sigprocmask(SIG_SETMASK, &previous, NULL);
        return -1;
    }
    /* From here on the command runs over there: whatever happens, not here too. */
    stand_in = pid;
    struct sigaction action = {.sa_handler = forward, .sa_flags = SA_RESTART};
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; pid > 0 && i < sizeof forwarded / sizeof *forwarded; i++)
        sigaction(forwarded[i], &action, NULL);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    unsigned char exited[5];
    int status = 1;
    if (receive(fd, exited, 5) == 5 && exited[0] == 'X') {
        status = little_endian(exited + 1);
        /* and the end of the connection, as the stand-in exits: this process (the unit's
         * main one) must not end while the one that ran its stage is in its cgroup */
        receive(fd, exited, 1);
    } else /* killed, or it crashed: a failure */
        fputs("ignition: the stage's process ended without an exit status\n", stderr);
    sigprocmask(SIG_BLOCK, &held, NULL); /* its pid may be reused now */
    close(fd);
    return status & 0xff;
}

int main(int argc, char **argv)
{
    if (argc < 1)
        return 2;
    int status = delegate(argc, argv);
    if (status >= 0)
        return status;
    char **command = calloc((size_t)argc + 5, sizeof *command);
    if (command == NULL) {
        perror("ignition");
        return 1;
    }
    command[0] = PYTHON;
    command[1] = "-IS";
    command[2] = "-c";
    command[3] = IN_PLACE;
    memcpy(command + 4, argv, (size_t)argc * sizeof *argv);
    execv(PYTHON, command);
    fprintf(stderr, "ignition: cannot run %s: %s\n", PYTHON, strerror(errno));
    return 1;
}
