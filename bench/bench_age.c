/* age throughput against OpenSSL's ChaCha20-Poly1305 in one process (bench/age_throughput.sh,
 * bench/README.md). For a plaintext file and its age encryption, it measures:
 *   - OpenSSL: EVP ChaCha20-Poly1305 sealing 64 KiB blocks (age's chunk), as many bytes as
 *     the file holds, one key and nonce per block as STREAM uses them (measured before and
 *     after the rest; the mean is the reference);
 *   - encrypt, stdio: mc_age_encrypt_stream reading the file (stdio), the header and every chunk
 *     sealed, the age file handed to a sink that drops it;
 *   - decrypt, stdio: mc_age_decrypt_stream reading the age file, the header unwrapped with the
 *     identity, every chunk opened and authenticated, the plaintext handed to a sink that
 *     checks its length and drops it.
 *   - the same two on the files mapped (mmap: the library's in-memory paths; the commands
 *     read their input with stdio since a truncated mapped file raised SIGBUS): chunks
 *     sealed and opened in place, the output dropped;
 *   - decrypt to memory: the mapped age file into one plaintext buffer (the model loader's
 *     path, mc_age_decrypt_memory), which pays for first touching that much fresh memory;
 *     and its own reference, the EVP loop writing into one fresh buffer of the same size.
 * Each figure is bytes of plaintext per second of CPU time (user + system: the machine may be
 * shared, and `openssl speed` also divides by CPU time) and per second of wall time.
 * usage: bench_age PLAIN AGE_FILE IDENTITY_FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include <openssl/evp.h>

#include "mc_age.h"
#include "mc_error.h"

typedef struct clocks {
    double cpu, wall;
} clocks;

static clocks now(void)
{
    struct timespec c, w;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    clock_gettime(CLOCK_MONOTONIC, &w);
    return (clocks){c.tv_sec + c.tv_nsec / 1e9, w.tv_sec + w.tv_nsec / 1e9};
}

static clocks since(clocks t0)
{
    clocks t = now();
    return (clocks){t.cpu - t0.cpu, t.wall - t0.wall};
}

static clocks evp_loop(size_t bytes)
{
    static unsigned char in[65536], out[65536 + 16], key[32], nonce[12];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0;
    clocks t0 = now();
    for (size_t done = 0; done < bytes; done += sizeof in) {
        nonce[10]++;
        if (!c || EVP_EncryptInit_ex(c, EVP_chacha20_poly1305(), NULL, key, nonce) != 1 ||
            EVP_EncryptUpdate(c, out, &len, in, sizeof in) != 1 ||
            EVP_EncryptFinal_ex(c, out + len, &len) != 1 ||
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out + sizeof in) != 1) {
            fprintf(stderr, "bench_age: EVP failed\n");
            exit(3);
        }
    }
    clocks t = since(t0);
    EVP_CIPHER_CTX_free(c);
    return t;
}

/* The same EVP loop writing its output into one fresh buffer of `bytes` (the tags aside):
 * what OpenSSL itself achieves when it must first touch that much new memory, the
 * reference for decryption into memory. The buffer is freed outside the measurement. */
static clocks evp_loop_fresh(size_t bytes)
{
    static unsigned char in[65536], key[32], nonce[12], tag[16];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    unsigned char *dst = NULL;
    int len = 0;
    clocks t0 = now();
    if (!c || !(dst = malloc(bytes))) {
        fprintf(stderr, "bench_age: out of memory\n");
        exit(3);
    }
    for (size_t done = 0; done < bytes; done += sizeof in) {
        size_t k = bytes - done < sizeof in ? bytes - done : sizeof in;
        nonce[10]++;
        if (EVP_EncryptInit_ex(c, EVP_chacha20_poly1305(), NULL, key, nonce) != 1 ||
            EVP_EncryptUpdate(c, dst + done, &len, in, (int)k) != 1 ||
            EVP_EncryptFinal_ex(c, dst + done + len, &len) != 1 ||
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1) {
            fprintf(stderr, "bench_age: EVP failed\n");
            exit(3);
        }
    }
    clocks t = since(t0);
    free(dst);
    EVP_CIPHER_CTX_free(c);
    return t;
}

static const unsigned char *map(FILE *f, size_t *n)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0)
        return NULL;
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(f), 0);
    *n = (size_t)st.st_size;
    return m == MAP_FAILED ? NULL : m;
}

static int drop(void *ctx, const unsigned char *data, size_t len)
{
    (void)data;
    *(size_t *)ctx += len;
    return MC_OK;
}

static void line(const char *what, size_t bytes, clocks t, clocks ref)
{
    printf("%-20s %8.0f MB/s cpu %8.0f MB/s wall   ratio cpu %.2f wall %.2f\n", what,
           bytes / t.cpu / 1e6, bytes / t.wall / 1e6, ref.cpu / t.cpu, ref.wall / t.wall);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_age PLAIN AGE_FILE IDENTITY_FILE\n");
        return 2;
    }
    FILE *plain = fopen(argv[1], "rb"), *age = fopen(argv[2], "rb");
    mc_age_recipients *r = NULL;
    mc_age_identities *ids = NULL;
    char recipient[128], secret[256];
    FILE *k = fopen(argv[3], "r");
    int found = 0;
    while (k && fgets(secret, sizeof secret, k))
        if (strncmp(secret, "AGE-SECRET-KEY-1", 16) == 0) {
            secret[strcspn(secret, "\r\n")] = '\0';
            found = 1;
            break;
        }
    if (k)
        fclose(k);
    if (!plain || !age || !found || mc_age_recipients_new(&r) || mc_age_identities_new(&ids) ||
        mc_age_identity_to_recipient(recipient, sizeof recipient, secret) ||
        mc_age_recipients_add(r, recipient) || mc_age_identities_add(ids, secret)) {
        fprintf(stderr, "bench_age: cannot open the files or keys\n");
        return 2;
    }
    fseek(plain, 0, SEEK_END);
    size_t bytes = (size_t)ftell(plain), out = 0, back = 0;
    rewind(plain);
    clocks o1 = evp_loop(bytes);
    clocks t0 = now();
    if (mc_age_encrypt_stream(plain, r, 0, drop, &out) != MC_OK) {
        fprintf(stderr, "bench_age: %s\n", mc_error_last()->message);
        return 1;
    }
    clocks enc = since(t0);
    mc_age_info info;
    t0 = now();
    if (mc_age_decrypt_stream(&info, age, MC_AGE_ARMOR_AUTO, ids, drop, &back) != MC_OK ||
        back != bytes) {
        fprintf(stderr, "bench_age: %s\n", mc_error_last()->message);
        return 1;
    }
    clocks dec = since(t0);
    /* The same two on the files mapped (mmap: the library's in-memory paths, as `run`
     * encrypts a model it holds), chunks sealed and opened in place; then decryption into
     * one buffer (mc_age_decrypt_memory). */
    size_t age_len = 0, plain_len = 0;
    const unsigned char *pm = map(plain, &plain_len), *am = map(age, &age_len);
    out = 0;
    t0 = now();
    if (!pm || !am || mc_age_encrypt_memory(pm, plain_len, r, 0, drop, &out) != MC_OK) {
        fprintf(stderr, "bench_age: %s\n", mc_error_last()->message);
        return 1;
    }
    clocks enc_map = since(t0);
    back = 0;
    t0 = now();
    if (mc_age_decrypt_buffer(&info, am, age_len, MC_AGE_ARMOR_AUTO, ids, drop, &back) !=
            MC_OK ||
        back != bytes) {
        fprintf(stderr, "bench_age: %s\n", mc_error_last()->message);
        return 1;
    }
    clocks dec_map = since(t0);
    unsigned char *plain_back = NULL;
    t0 = now();
    if (mc_age_decrypt_memory(&plain_back, &back, &info, am, age_len, ids, bytes) != MC_OK ||
        back != bytes) {
        fprintf(stderr, "bench_age: %s\n", mc_error_last()->message);
        return 1;
    }
    clocks dec_mem = since(t0);
    OPENSSL_clear_free(plain_back, back);
    clocks fresh = evp_loop_fresh(bytes);
    clocks o2 = evp_loop(bytes);
    clocks ref = {(o1.cpu + o2.cpu) / 2, (o1.wall + o2.wall) / 2};
    printf("%zu bytes (%zu MiB)\n", bytes, bytes >> 20);
    line("openssl", bytes, ref, ref);
    line("encrypt, stdio", bytes, enc, ref);
    line("decrypt, stdio", bytes, dec, ref);
    line("encrypt, mapped", bytes, enc_map, ref);
    line("decrypt, mapped", bytes, dec_map, ref);
    line("decrypt to memory", bytes, dec_mem, ref);
    line("openssl, fresh memory", bytes, fresh, ref);
    printf("decrypt to memory against openssl into fresh memory: ratio cpu %.2f wall %.2f\n",
           fresh.cpu / dec_mem.cpu, fresh.wall / dec_mem.wall);
    munmap((void *)pm, plain_len);
    munmap((void *)am, age_len);
    fclose(plain);
    fclose(age);
    mc_age_recipients_free(r);
    mc_age_identities_free(ids);
    return 0;
}
