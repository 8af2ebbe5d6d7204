//! The default theme and the starter site of `palabre init` are compiled into
//! the binary (include_dir): rebuild when any of their files changes, not only
//! when Rust code does.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=starter");
}
