// The default theme is compiled into the binary (include_dir): rebuild when
// any of its files changes, not only when Rust code does.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
