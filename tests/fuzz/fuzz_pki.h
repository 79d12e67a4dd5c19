/* The fixed test PKI of fuzz_chain.c, written by make_pki.sh (do not edit): a root CA,
 * an intermediate CA and a leaf allowed to sign code, P-256, and the leaf's key. Made for
 * the fuzzer only: no key here is secret. */
#ifndef FUZZ_PKI_H
#define FUZZ_PKI_H

static const char pki_root_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBojCCAUegAwIBAgIUTAATfovMymxEPQgWtY8h9NSJusowCgYIKoZIzj0EAwIw\n"
    "HjEcMBoGA1UEAwwTbW9kZWxjZXJ0IGZ1enogcm9vdDAeFw0yNjEyMDcwMTQ0MTda\n"
    "Fw00NjEyMDIwMTQ0MTdaMB4xHDAaBgNVBAMME21vZGVsY2VydCBmdXp6IHJvb3Qw\n"
    "WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARgXPCBhoBnaIU6t82aheQ4Az7VPR9g\n"
    "d+/jIAenlmkOJbtt0QIqHZ9ki4wHHeeafvQeqN3/poKWKPuDPHGWVZ/qo2MwYTAd\n"
    "BgNVHQ4EFgQUZQch7jDNdL+NhI3819Lf+2vZJfowHwYDVR0jBBgwFoAUZQch7jDN\n"
    "dL+NhI3819Lf+2vZJfowDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYw\n"
    "CgYIKoZIzj0EAwIDSQAwRgIhAOhcfVQC3Wiv78y0vkEJb0AEYHeJomQsroHcK/K2\n"
    "bbYfAiEA0oRmHuZq3+3S932+bl3pLWCmZKSPJISm2TFIZydNvp8=\n"
    "-----END CERTIFICATE-----\n";

static const char pki_int_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBljCCATygAwIBAgIBAjAKBggqhkjOPQQDAjAeMRwwGgYDVQQDDBNtb2RlbGNl\n"
    "cnQgZnV6eiByb290MB4XDTI2MTIwNzAxNDQxN1oXDTQ2MTEyMjAxNDQxN1owJjEk\n"
    "MCIGA1UEAwwbbW9kZWxjZXJ0IGZ1enogaW50ZXJtZWRpYXRlMFkwEwYHKoZIzj0C\n"
    "AQYIKoZIzj0DAQcDQgAEX4ujhA9xCNR/rJdgpjNOO8u90Jm+LjPG2y6b7dV0/eiD\n"
    "16bYaAPFrpFg4f53KWAMhft/+j9BB6cPrv+FutkDiKNjMGEwDwYDVR0TAQH/BAUw\n"
    "AwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFHoDh/IJxHEFTePwiHa1/lC/\n"
    "RZMgMB8GA1UdIwQYMBaAFGUHIe4wzXS/jYSN/NfS3/tr2SX6MAoGCCqGSM49BAMC\n"
    "A0gAMEUCICwjylKYdQFFb5QNg0CuRmtJRZdtZTpADzOg3RSXMy3lAiEArFskzO+C\n"
    "4xJjgQJDjzLeOa6vFLnT1ZCr0VRhUfL19tQ=\n"
    "-----END CERTIFICATE-----\n";

static const char pki_leaf_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBqTCCAVCgAwIBAgIBAzAKBggqhkjOPQQDAjAmMSQwIgYDVQQDDBttb2RlbGNl\n"
    "cnQgZnV6eiBpbnRlcm1lZGlhdGUwHhcNMjYxMjA3MDE0NDE4WhcNNDYxMTEyMDE0\n"
    "NDE4WjAgMR4wHAYDVQQDDBVtb2RlbGNlcnQgZnV6eiBzaWduZXIwWTATBgcqhkjO\n"
    "PQIBBggqhkjOPQMBBwNCAARLPuvKJGh5SbADutbOnOPAnh5boY6iabbbUwjK9nAA\n"
    "bJPQ4NRBEfnMZERnrQkt6UEQ7hp098nbgtd4474N0QF7o3UwczAMBgNVHRMBAf8E\n"
    "AjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDAzAdBgNVHQ4E\n"
    "FgQUgErpGhUOYwWAABrz7W8lQyWL7nEwHwYDVR0jBBgwFoAUegOH8gnEcQVN4/CI\n"
    "drX+UL9FkyAwCgYIKoZIzj0EAwIDRwAwRAIgKJ6GEhvu+bNltHByoRqB4+r7HcF6\n"
    "0Nlg5nssS5UFelgCID/kFJSKnHaTRukpMDFVBOHIv9kx0UmLlyvMHSC1QGBw\n"
    "-----END CERTIFICATE-----\n";

static const char pki_leaf_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggeUwI1hwdn+Vu7mJ\n"
    "KDXNO/qkeZsZs7OjCwRhPkS8LhihRANCAARLPuvKJGh5SbADutbOnOPAnh5boY6i\n"
    "abbbUwjK9nAAbJPQ4NRBEfnMZERnrQkt6UEQ7hp098nbgtd4474N0QF7\n"
    "-----END PRIVATE KEY-----\n";

#endif
