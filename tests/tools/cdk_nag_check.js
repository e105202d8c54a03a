#!/usr/bin/env node
// cdk_nag_check.js - run cdk-nag's AwsSolutions and Serverless packs over
// CloudFormation templates, as AWS's own best-practice rules see them.
//
//   node cdk_nag_check.js TEMPLATE.json [TEMPLATE.json ...]
//
// Each template is brought into a CDK app with cloudformation-include's
// CfnInclude (resources as written, their Metadata with them, so that the
// template's own `cdk_nag: rules_to_suppress` acknowledgements are honoured,
// as cdk-nag 2 reads them), the two packs are applied as aspects, and the app
// is synthesized. Prints one JSON document on stdout:
//
//   {"templates": N, "findings": [{"template", "resource", "rule", "finding",
//     "level", "info"}], "acknowledged": [{"template", "resource", "rule",
//     "finding", "reason"}], "errors": [{"template", "resource", "rule",
//     "message"}]}
//
// Exit status: 0 when no finding and no rule error is left unacknowledged,
// 1 otherwise, 2 on usage or a template that cannot be read.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { App, Aspects, Stack } = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag');

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: cdk_nag_check.js TEMPLATE.json [TEMPLATE.json ...]\n');
  process.exit(2);
}

const out = { templates: files.length, findings: [], acknowledged: [], errors: [] };

function collector(template) {
  const base = (d) => ({ template, resource: d.resource.node.id, rule: d.ruleId });
  return {
    onCompliance() {},
    onNotApplicable() {},
    onNonCompliance(d) {
      out.findings.push({ ...base(d), finding: d.findingId, level: d.ruleLevel, info: d.ruleInfo });
    },
    onSuppressed(d) {
      out.acknowledged.push({ ...base(d), finding: d.findingId, reason: d.suppressionReason });
    },
    onError(d) {
      out.errors.push({ ...base(d), message: d.errorMessage });
    },
    onSuppressedError(d) {
      out.acknowledged.push({ ...base(d), finding: '', reason: d.errorSuppressionReason });
    },
  };
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stc-nag-'));
try {
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
      JSON.parse(text);
    } catch (e) {
      process.stderr.write(`cdk_nag_check: ${file}: ${e.message}\n`);
      process.exit(2);
    }
    const app = new App({ outdir });
    const stack = new Stack(app, 'Checked');
    // Each resource keeps its logical id as its construct id.
    new CfnInclude(stack, 'Template', { templateFile: file });
    const props = { reports: false, additionalLoggers: [collector(file)] };
    Aspects.of(app).add(new AwsSolutionsChecks(props));
    Aspects.of(app).add(new ServerlessChecks(props));
    app.synth();
  }
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}

process.stdout.write(JSON.stringify(out, null, 1) + '\n');
process.exit(out.findings.length + out.errors.length > 0 ? 1 : 0);
