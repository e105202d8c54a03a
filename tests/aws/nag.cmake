# AWS's best-practice rules (cdk-nag's AwsSolutions and Serverless packs) over
# every example in every mode: core/aws/nag.def, docs/hardening.md.
stc_add_script_test(nag_cli ${CMAKE_CURRENT_SOURCE_DIR}/nag_cli.sh)
