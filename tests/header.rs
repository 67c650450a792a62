//! The checked-in header must be exactly what the pinned cbindgen generates now (the build
//! script writes it to OUT_DIR). With UT_UPDATE_HEADER=1 (`make header`) the test refreshes
//! the checked-in copy instead.

#[test]
fn checked_in_header_matches_a_fresh_generation() {
    let fresh = include_str!(concat!(env!("OUT_DIR"), "/usertoken.h"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/usertoken.h");
    if std::env::var_os("UT_UPDATE_HEADER").is_some_and(|v| v == "1") {
        std::fs::write(path, fresh).expect("include/usertoken.h is writable");
    }
    let checked_in = std::fs::read_to_string(path).expect("include/usertoken.h exists");
    assert!(fresh == checked_in, "include/usertoken.h is stale: run `make header` and commit the result");
}

#[test]
fn header_declares_every_export_and_only_ut_names() {
    let header = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/include/usertoken.h"));
    for export in [
        "ut_version",
        "ut_abi_version",
        "ut_result_name",
        "ut_client_new",
        "ut_client_free",
        "ut_issue",
        "ut_renew",
        "ut_revoke",
        "ut_free_string",
        "ut_issue_async",
        "ut_renew_async",
        "ut_revoke_async",
        "ut_cancel",
        "ut_session_new",
        "ut_session_token",
        "ut_session_revoke",
        "ut_session_free",
        "ut_set_log_callback",
    ] {
        assert!(header.contains(&format!(" {export}(")), "{export} is not declared");
    }
    for line in header.lines().filter(|l| l.starts_with("#define ")) {
        let name = line.split_whitespace().nth(1).unwrap();
        assert!(name.starts_with("UT_") || name == "USERTOKEN_H", "{name} is not a UT_ name");
    }
}
