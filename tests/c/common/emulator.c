/* emulator.c: finding or starting ut-emulator, its control endpoints, and test clients. */
#include "emulator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#ifndef UT_TEST_EMULATOR_PATH
#define UT_TEST_EMULATOR_PATH "ut-emulator"
#endif

#define MAX_PRIVATE 4

static pid_t private_pids[MAX_PRIVATE];
static int private_count;
static pid_t private_owner;

/* Stops this process's private emulators; a forked child leaves its parent's alone. */
static void stop_private(void) {
    if (getpid() != private_owner) {
        return;
    }
    for (int i = 0; i < private_count; i++) {
        kill(private_pids[i], SIGTERM);
        waitpid(private_pids[i], NULL, 0);
    }
    private_count = 0;
}

void emulator_shared(emulator *emu) {
    const char *file = getenv("UT_TEST_EMULATOR_URL_FILE");
    CHECK_MSG(file != NULL, "UT_TEST_EMULATOR_URL_FILE is not set; run the test through ctest");
    FILE *f = fopen(file, "r");
    CHECK_MSG(f != NULL, "cannot open %s: the emulator fixture did not start", file);
    int ok = fgets(emu->url, sizeof emu->url, f) != NULL;
    fclose(f);
    emu->url[strcspn(emu->url, "\r\n")] = '\0';
    CHECK_MSG(ok && strncmp(emu->url, "http://", 7) == 0, "%s does not hold an emulator URL", file);
    emu->pid = 0;
}

void emulator_private(emulator *emu) {
    emulator_private_args(emu, NULL);
}

#define MAX_ARGS 16

void emulator_private_args(emulator *emu, const char *const *args) {
    const char *path = getenv("UT_TEST_EMULATOR");
    path = path != NULL ? path : UT_TEST_EMULATOR_PATH;
    CHECK(private_count < MAX_PRIVATE);
    int out[2];
    CHECK(pipe2(out, O_CLOEXEC) == 0);
    const char *argv[MAX_ARGS + 6] = {path, "--bind", "127.0.0.1:0", "--threads", "1"};
    size_t argc = 5;
    for (size_t i = 0; args != NULL && args[i] != NULL; i++) {
        CHECK_MSG(i < MAX_ARGS, "more than %d emulator arguments", MAX_ARGS);
        argv[argc++] = args[i];
    }
    argv[argc] = NULL;
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* Dies with the test even when the test is killed or crashes. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        int null = open("/dev/null", O_RDONLY);
        dup2(null, STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    if (private_owner != getpid()) {
        private_owner = getpid();
        atexit(stop_private);
        test_on_fail(stop_private);
    }
    private_pids[private_count++] = pid;

    char line[256];
    size_t used = 0;
    double deadline = now_ms() + 10000 * time_scale();
    while (memchr(line, '\n', used) == NULL && used < sizeof line - 1) {
        struct pollfd p = {out[0], POLLIN, 0};
        int wait = (int)(deadline - now_ms());
        CHECK_MSG(wait > 0 && poll(&p, 1, wait) == 1, "%s did not print its address", path);
        ssize_t n = read(out[0], line + used, sizeof line - 1 - used);
        CHECK_MSG(n > 0, "%s exited before listening", path);
        used += (size_t)n;
    }
    close(out[0]);
    line[used] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    CHECK_MSG(sscanf(line, "listening on %127s", emu->url) == 1, "unexpected first line \"%s\"", line);
    emu->pid = pid;
}

const char *closed_port_url(void) {
    static char url[64];
    if (url[0] == '\0') {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in addr = {0};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
        CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
        snprintf(url, sizeof url, "http://127.0.0.1:%u", ntohs(addr.sin_port));
    }
    return url;
}

static int connect_to(const char *url) {
    char host[128];
    char port[16];
    if (sscanf(url, "http://%127[^:/]:%15[0-9]", host, port) != 2) {
        return -1;
    }
    struct addrinfo hints = {0};
    struct addrinfo *found = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &found) != 0) {
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = found; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    return fd;
}

int http_call(const char *url, const char *method, const char *path, const char *body, char **reply) {
    int fd = connect_to(url);
    if (fd < 0) {
        return -1;
    }
    struct timeval limit = {(time_t)(30 * time_scale()), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    size_t body_length = body != NULL ? strlen(body) : 0;
    char head[512];
    /* HTTP/1.0: the server closes the connection after the answer, so the body ends there. */
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.0\r\nHost: emulator\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, body_length);
    int sent = send(fd, head, (size_t)n, MSG_NOSIGNAL) == n &&
               (body_length == 0 || send(fd, body, body_length, MSG_NOSIGNAL) == (ssize_t)body_length);
    size_t size = 0;
    size_t capacity = 65536;
    char *text = malloc(capacity);
    ssize_t got;
    while (sent && (got = recv(fd, text + size, capacity - size - 1, 0)) > 0) {
        size += (size_t)got;
        if (capacity - size < 4096) {
            capacity *= 2;
            text = realloc(text, capacity);
        }
    }
    close(fd);
    text[size] = '\0';
    int status = -1;
    char *start = strstr(text, "\r\n\r\n");
    if (sscanf(text, "HTTP/1.%*d %d", &status) != 1 || start == NULL) {
        free(text);
        return -1;
    }
    if (reply != NULL) {
        *reply = strdup(start + 4);
    }
    free(text);
    return status;
}

static void control(const emulator *emu, const char *method, const char *path, const char *body) {
    char *reply = NULL;
    int status = http_call(emu->url, method, path, body, &reply);
    CHECK_MSG(status == 200, "%s %s %s answered %d %s", method, path, body ? body : "", status, reply ? reply : "");
    free(reply);
}

void emu_fault(const emulator *emu, const char *fault_json) {
    CHECK_MSG(emu->pid != 0, "faults go to a private emulator only");
    control(emu, "POST", "/_emulator/faults", fault_json);
}

void emu_fault_body(const emulator *emu, const char *call, int status, const char *body) {
    size_t size = strlen(body) * 6 + 128;
    char *fault = malloc(size);
    int n = snprintf(fault, size, "{\"kind\":\"status\",\"call\":\"%s\",\"status\":%d,\"body\":\"", call, status);
    for (const unsigned char *p = (const unsigned char *)body; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            n += snprintf(fault + n, size - (size_t)n, "\\%c", *p);
        } else if (*p < 0x20) {
            n += snprintf(fault + n, size - (size_t)n, "\\u%04x", *p);
        } else {
            fault[n++] = (char)*p;
        }
    }
    snprintf(fault + n, size - (size_t)n, "\"}");
    emu_fault(emu, fault);
    free(fault);
}

void emu_clear_faults(const emulator *emu) {
    control(emu, "DELETE", "/_emulator/faults", NULL);
}

void emu_advance_clock(const emulator *emu, long long seconds) {
    char body[64];
    CHECK_MSG(emu->pid != 0, "the clock of the shared emulator stays as it is");
    snprintf(body, sizeof body, "{\"advance_s\":%lld}", seconds);
    control(emu, "POST", "/_emulator/clock", body);
}

json *emu_get(const emulator *emu, const char *path) {
    char *reply = NULL;
    int status = http_call(emu->url, "GET", path, NULL, &reply);
    CHECK_MSG(status == 200, "GET %s answered %d", path, status);
    json *doc = json_parse(reply);
    CHECK_MSG(doc != NULL, "GET %s answered something that is not JSON: %.200s", path, reply);
    free(reply);
    return doc;
}

long long emu_stat(const emulator *emu, const char *name) {
    json *stats = emu_get(emu, "/_emulator/stats");
    const json *value = json_get(stats, name);
    CHECK_MSG(value != NULL && value->type == JSON_NUMBER, "no stats counter %s", name);
    long long count = (long long)value->number;
    json_free(stats);
    return count;
}

int emu_token_state(const emulator *emu, const char *token, long long *renewals, int *revoked) {
    json *doc = emu_get(emu, "/_emulator/tokens");
    const json *list = json_get(doc, "tokens");
    int found = 0;
    for (size_t i = 0; list != NULL && i < list->count && !found; i++) {
        const json *entry = json_at(list, i);
        const char *value = json_get_string(entry, "token");
        if (value != NULL && strcmp(value, token) == 0) {
            found = 1;
            *renewals = (long long)json_get(entry, "renewals")->number;
            *revoked = json_get(entry, "revoked")->boolean;
        }
    }
    json_free(doc);
    return found;
}

request_list emu_requests(const emulator *emu, const char *agent) {
    request_list list = {emu_get(emu, "/_emulator/requests"), NULL, 0};
    const json *all = json_get(list.doc, "requests");
    CHECK(all != NULL && all->type == JSON_ARRAY);
    list.items = calloc(all->count + 1, sizeof *list.items);
    for (size_t i = 0; i < all->count; i++) {
        const char *ua = req_header(&all->items[i], "user-agent");
        if (agent == NULL || (ua != NULL && strcmp(ua, agent) == 0)) {
            list.items[list.count++] = &all->items[i];
        }
    }
    return list;
}

char *emu_call_sequence(const emulator *emu) {
    request_list mine = emu_requests(emu, test_tag());
    char *text = calloc(mine.count * 8 + 1, 1);
    for (size_t i = 0; i < mine.count; i++) {
        strcat(text, i ? " " : "");
        strcat(text, req_call(mine.items[i]));
    }
    request_list_free(&mine);
    return text;
}

void request_list_free(request_list *list) {
    json_free(list->doc);
    free(list->items);
    list->doc = NULL;
    list->items = NULL;
    list->count = 0;
}

static const char *header_at(const json *request, const char *name, size_t *count) {
    const json *headers = json_get(request, "headers");
    const char *first = NULL;
    *count = 0;
    for (size_t i = 0; headers != NULL && i < headers->count; i++) {
        const json *pair = json_at(headers, i);
        const json *key = json_at(pair, 0);
        const json *value = json_at(pair, 1);
        if (key != NULL && value != NULL && key->type == JSON_STRING && strcmp(key->string, name) == 0) {
            first = first != NULL ? first : value->string;
            (*count)++;
        }
    }
    return first;
}

const char *req_header(const json *request, const char *name) {
    size_t count;
    return header_at(request, name, &count);
}

size_t req_header_count(const json *request, const char *name) {
    size_t count;
    header_at(request, name, &count);
    return count;
}

const char *req_call(const json *request) {
    const char *path = json_get_string(request, "path");
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;
    if (slash != NULL && strstr(path, "/usertoken/") != NULL) {
        for (int i = 0; i < 3; i++) {
            const char *call = (const char *[]){"issue", "renew", "revoke"}[i];
            if (strcmp(slash + 1, call) == 0) {
                return call;
            }
        }
    }
    return "";
}

long long rfc3339_seconds(const char *text) {
    struct tm tm = {0};
    int used = 0;
    if (text == NULL || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                               &tm.tm_min, &tm.tm_sec, &used) != 6) {
        return -1;
    }
    const char *rest = text + used;
    if (*rest == '.') {
        do {
            rest++;
        } while (*rest >= '0' && *rest <= '9');
    }
    if (strcmp(rest, "Z") != 0 && strcmp(rest, "+00:00") != 0) {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm);
}

long long emu_now(const emulator *emu) {
    json *clock = emu_get(emu, "/_emulator/clock");
    long long now = rfc3339_seconds(json_get_string(clock, "now"));
    CHECK_MSG(now > 0, "the emulator's clock is not an RFC 3339 time");
    json_free(clock);
    return now;
}
