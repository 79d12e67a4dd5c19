/* Certificates for certificate-mode bundles (docs/signing.md): reading PEM certificate files
 * (a leaf, its chain, trusted roots) and verifying a bundle's chain against the roots under
 * modelcert's certificate policy ("Certificate policy"). */
#ifndef MC_X509_H
#define MC_X509_H

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>

/* The PEM certificates in the file at path (at most 100, the file read bounded). MC_EINPUT
 * when it holds none or too many, MC_ENOTFOUND, MC_EIO, MC_ENOMEM. Free *out with
 * sk_X509_pop_free(*out, X509_free). */
int mc_x509_read_pem(STACK_OF(X509) **out, const char *path);

/* Verifies the certificate chain of a bundle's verificationMaterial `vm`
 * (x509CertificateChain.certificates, leaf first, at most 10; or one certificate) against
 * the roots in ca_path, now, and the leaf against the policy: valid now (MC_EINPUT "...
 * has expired", "... is not valid until DATE"), not a CA ("... is a CA certificate"), the
 * digitalSignature key usage, else the codeSigning extended key usage, and neither usage
 * extension, when present, ruling signing out ("... may not sign: ..."). On MC_OK *pkey is
 * the leaf's public key (caller frees) and signer its subject. MC_ENOMEM, MC_EINTERNAL. */
int mc_x509_verify_chain(EVP_PKEY **pkey, char *signer, size_t signer_size, const json_t *vm,
                         const char *ca_path);

#endif
