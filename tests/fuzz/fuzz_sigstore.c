/* libFuzzer harness: what Sigstore keyless verification reads (tests/fuzz/README.md). The
 * first byte of an input picks ONE reader ('0' to '6', or any byte modulo 7), the rest is its
 * input, so that an execution pays for one parse, not all of them (the trusted roots are
 * parsed once, in LLVMFuzzerInitialize):
 *  0. a trusted_root.json (mc_trusted_root_parse);
 *  1. a keyless model_signing bundle, verified against the built-in public-good trusted root
 *     for a fixed identity (mc_oms_verify: the verification material, the Rekor entries, their
 *     bodies, inclusion proofs and checkpoints, the SET, the Fulcio certificate and its SCTs);
 *  2. a Rekor v1 checkpoint (signed note) checked under the public-good Rekor key;
 *  3. a C2SP checkpoint (mc_checkpoint_open) under a fixed Ed25519 log key, with a fixed
 *     witness required, and the input as a witness's verifier key (mc_note_witness_parse);
 *  4. an RFC 3161 timestamp response (mc_tsa_verify) over fixed bytes, against the
 *     public-good root's timestamp authority;
 *  5. a bundle over one artifact (mc_sigstore_verify_artifact, `sigstore verify-bundle`), a
 *     message signature or DSSE envelope, keyless, against the public-good root;
 *  6. the same against Sigstore's staging root with its Rekor v2 log (the conformance
 *     goldens' root, MC_FUZZ_STAGING_ROOT): Rekor v2 entries, bodies, C2SP checkpoints. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_manifest.h"
#include "mc_note.h"
#include "mc_oms.h"
#include "mc_rekor.h"
#include "mc_sigstore_artifact.h"
#include "mc_trusted_root.h"
#include "mc_tsa.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* Cheaper allocations for a long campaign: short allocation stacks, a smaller quarantine. */
const char *__asan_default_options(void)
{
    return "malloc_context_size=4:quarantine_size_mb=32";
}

static mc_trusted_root *good, *staging;
static EVP_PKEY *log_key, *witness_key;
static mc_note_key note_key = {.name = "log.test"};
static mc_note_witness witness = {.name = "witness.test/w1"};
static const mc_sigstore_policy public_good = {
    .identity = "stefanb@us.ibm.com", .issuer = "https://sigstore.verify.ibm.com/oauth2"};
static const mc_sigstore_policy beacon = {
    .identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
                ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
    .issuer = "https://token.actions.githubusercontent.com"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const unsigned char seed_log[32] = {1}, seed_witness[32] = {2};
    unsigned char id[32];
    char *text = NULL;
    size_t len = 0;
    log_key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed_log, 32);
    witness_key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed_witness, 32);
    if (mc_trusted_root_default(&good) || !log_key || !witness_key ||
        mc_note_key_id(id, note_key.name, log_key) ||
        mc_file_read_all(&text, &len, MC_FUZZ_STAGING_ROOT, MC_TRUSTED_ROOT_MAX) ||
        mc_trusted_root_parse(&staging, text, len))
        abort();
    free(text);
    note_key.key = log_key;
    memcpy(note_key.id, id, 4);
    witness.key = witness_key;
    /* the witness's key id: SHA-256(name || 0x0A || 0x04 || key)[:4] */
    unsigned char msg[64], wid[32];
    size_t nl = strlen(witness.name), rl = 32;
    memcpy(msg, witness.name, nl);
    msg[nl] = '\n';
    msg[nl + 1] = 0x04;
    if (EVP_PKEY_get_raw_public_key(witness_key, msg + nl + 2, &rl) != 1 ||
        !EVP_Digest(msg, nl + 34, wid, NULL, EVP_sha256(), NULL))
        abort();
    memcpy(witness.id, wid, 4);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 16))
        return 0;
    unsigned pick = data[0] >= '0' && data[0] <= '6' ? (unsigned)(data[0] - '0') : data[0] % 7u;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    mc_trusted_root *tr = NULL;
    mc_manifest *m = NULL;
    mc_oms_trust t = {.root = good, .policy = &public_good};
    char who[1200], why[320], *note = NULL;
    unsigned char digest[32] = {0}, root[32] = {0};
    int ok = 0;
    int64_t when = 0;
    static const unsigned char sig[] = "a signature";
    switch (pick) {
    case 0:
        if (mc_trusted_root_parse(&tr, in, n) == MC_OK &&
            (tr->n_cas > MC_TRUSTED_ROOT_MAX_ENTRIES || tr->n_ctlogs > MC_TRUSTED_ROOT_MAX_ENTRIES))
            abort();
        mc_trusted_root_free(tr);
        break;
    case 1:
        if (mc_oms_verify(&m, who, sizeof who, in, n, &t) == MC_OK &&
            !mc_sha256_hex_valid(m->subject))
            abort();
        mc_manifest_free(m);
        break;
    case 2:
    case 3:
        if (!(note = malloc(n + 1)))
            return 0;
        memcpy(note, in, n);
        note[n] = 0;
        if (pick == 2) {
            (void)mc_checkpoint_check(&ok, why, sizeof why, note, good->tlogs[0].key,
                                      good->tlogs[0].log_id, 1, root);
        } else {
            mc_note_checkpoint cp;
            mc_note_witness w;
            if (mc_checkpoint_open(&ok, why, sizeof why, &cp, in, n, &note_key, &witness, 1) ==
                    MC_OK && ok && strcmp(cp.origin, note_key.name) != 0)
                abort();
            if (mc_note_witness_parse(&w, note) == MC_OK && !w.key)
                abort();
            mc_note_witness_clear(&w);
        }
        free(note);
        break;
    case 4:
        (void)mc_tsa_verify(&when, data + 1, n, sig, sizeof sig, good);
        break;
    default:
        (void)mc_sigstore_verify_artifact(who, sizeof who, in, n, digest,
                                          pick == 5 ? good : staging,
                                          pick == 5 ? &public_good : &beacon, NULL);
        break;
    }
    return 0;
}
