/* libFuzzer harness: the X.509 chain verification of `verify --ca` (signing/mc_oms.c's
 * verify_chain, reached through mc_oms_verify) with a fixed trust anchor (tests/fuzz/README.md).
 * The test PKI (fuzz_pki.h, made by make_pki.sh) has a root, an intermediate and a leaf
 * allowed to sign code; a DSSE envelope over a statement of a small model file is signed with
 * the leaf's key once, at start-up. The first byte of an input says how the rest is taken:
 *   bit 0 clear: certificates, each a 2-byte big-endian length and that many DER bytes, put
 *                into a bundle's verificationMaterial (x509CertificateChain.certificates, the
 *                leaf first; with bit 1 set and one certificate, verificationMaterial.certificate)
 *                and verified against the fixed root;
 *   bit 0 set:   a PEM file of CA certificates (the --ca file), against which a bundle carrying
 *                the fixed leaf and intermediate is verified.
 * Files go to a private temporary directory (fuzz_tmp.h). Beside the sanitizers: in the first
 * form a chain that verifies is the test PKI's (its leaf is the fixed signer), since nothing
 * else can carry a signature the leaf key made and chain to the root. */
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pki.h"
#include "fuzz_tmp.h"
#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_manifest.h"
#include "mc_oms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CERTS_MAX 12

static const char *const files[] = {"root.pem", "ca.pem", "model.bin"};
static json_t *envelope; /* the signed DSSE envelope */
static json_t *fixed_chain; /* [leaf, intermediate] as bundle certificates */
static char root_path[4200], ca_path[4200];

static json_t *cert_json(const unsigned char *der, size_t n)
{
    char *b64 = malloc(4 * ((n + 2) / 3) + 1);
    if (!b64)
        abort();
    EVP_EncodeBlock((unsigned char *)b64, der, (int)n);
    json_t *c = json_pack("{s:s}", "rawBytes", b64);
    free(b64);
    if (!c)
        abort();
    return c;
}

static json_t *pem_cert_json(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    unsigned char *der = NULL;
    int n = x ? i2d_X509(x, &der) : -1;
    if (n <= 0)
        abort();
    json_t *c = cert_json(der, (size_t)n);
    OPENSSL_free(der);
    X509_free(x);
    BIO_free(bio);
    return c;
}

static void setup(void)
{
    static const char model[] = "fuzz model weights\n";
    fuzz_tmp_setup("chain", files, (int)(sizeof files / sizeof *files));
    fuzz_tmp_write("root.pem", pki_root_pem, strlen(pki_root_pem));
    fuzz_tmp_write("model.bin", model, sizeof model - 1);
    fuzz_tmp_path(root_path, sizeof root_path, "root.pem");
    fuzz_tmp_path(ca_path, sizeof ca_path, "ca.pem");
    char model_path[4200];
    fuzz_tmp_path(model_path, sizeof model_path, "model.bin");

    mc_manifest *m = NULL;
    mc_manifest_options mo = {.threads = 1};
    char *st = NULL;
    size_t st_len = 0;
    BIO *bio = BIO_new_mem_buf(pki_leaf_key_pem, -1);
    EVP_PKEY *leaf_key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    if (!leaf_key || mc_manifest_compute(&m, model_path, &mo) != MC_OK ||
        mc_oms_statement(&st, &st_len, m) != MC_OK ||
        mc_dsse_sign(&envelope, leaf_key, "", MC_OMS_PAYLOAD_TYPE, st, st_len) != MC_OK)
        abort();
    if (!(fixed_chain = json_array()) ||
        json_array_append_new(fixed_chain, pem_cert_json(pki_leaf_pem)) ||
        json_array_append_new(fixed_chain, pem_cert_json(pki_int_pem)))
        abort();
    free(st);
    mc_manifest_free(m);
    EVP_PKEY_free(leaf_key);
    BIO_free(bio);
}

/* Verifies a bundle of `vm` (stolen) and the envelope against the CA file at `ca`. */
static int verify(json_t *vm, const char *ca, char *signer, size_t signer_size)
{
    json_t *b = json_pack("{s:s,s:o,s:O}", "mediaType", MC_OMS_BUNDLE_MEDIA_TYPE,
                          "verificationMaterial", vm, "dsseEnvelope", envelope);
    char *text = b ? json_dumps(b, JSON_COMPACT) : NULL;
    if (!text)
        abort();
    mc_oms_trust t = {.ca_path = ca};
    mc_manifest *m = NULL;
    int rc = mc_oms_verify(&m, signer, signer_size, text, strlen(text), &t);
    if (rc == MC_OK && (!m || !mc_sha256_hex_valid(m->subject)))
        abort();
    mc_manifest_free(m);
    free(text);
    json_decref(b);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!envelope)
        setup();
    if (size < 1 || size > (1u << 18))
        return 0;
    unsigned mode = data[0];
    data++;
    size--;
    char signer[512] = "";
    if (mode & 1) {
        fuzz_tmp_write("ca.pem", data, size);
        json_t *vm = json_pack("{s:{s:O}}", "x509CertificateChain", "certificates", fixed_chain);
        if (!vm)
            abort();
        verify(vm, ca_path, signer, sizeof signer);
    } else {
        json_t *certs = json_array();
        if (!certs)
            abort();
        while (size >= 2 && json_array_size(certs) < CERTS_MAX) {
            size_t n = (size_t)data[0] << 8 | data[1];
            if (n > size - 2)
                n = size - 2;
            if (json_array_append_new(certs, cert_json(data + 2, n)))
                abort();
            data += 2 + n;
            size -= 2 + n;
        }
        json_t *vm = (mode & 2) && json_array_size(certs) == 1
                         ? json_pack("{s:O}", "certificate", json_array_get(certs, 0))
                         : json_pack("{s:{s:O}}", "x509CertificateChain", "certificates", certs);
        if (!vm)
            abort();
        if (verify(vm, root_path, signer, sizeof signer) == MC_OK &&
            !strstr(signer, "CN=modelcert fuzz signer"))
            abort(); /* only the test PKI's leaf chains to its root */
        json_decref(certs);
    }
    mc_error_clear();
    return 0;
}
