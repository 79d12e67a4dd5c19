# Sourced by the reports tests: hostile_project SRC DIR writes DIR/modelcert.yaml and
# DIR/data.csv, the seed example with its slice column named <script>alert(1)</script> and
# its first feature <img src=x onerror=alert(2)>, with permutation importance and validation
# rows (so that every chart is drawn), no data pin (a warning) and a roc_auc threshold it fails.
hostile_project() {
    mkdir -p "$2"
    sed '1s/segment/<script>alert(1)<\/script>/; 1s/f01/<img src=x onerror=alert(2)>/' \
        "$1/examples/seed/data.csv" > "$2/data.csv"
    sed -e "s/segment/'<script>alert(1)<\/script>'/g" -e '/sha256:/d' \
        -e 's/compute: \[accuracy, /compute: [permutation_importance, accuracy, /' \
        -e 's/    shuffle: false/    shuffle: false\n    validation_fraction: 0.1/' \
        -e 's/roc_auc: {min: 0.90}/roc_auc: {min: 0.99}/' \
        "$1/examples/seed/modelcert.yaml" > "$2/modelcert.yaml"
}
