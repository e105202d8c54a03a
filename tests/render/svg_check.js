// svg_check.js FILE.svg FILE.asl.json - parse the SVG back as XML (fast-xml-parser)
// and check one state element (data-state) per state of the ASL document.
'use strict';
const fs = require('fs');
const path = require('path');
const fxp = require(path.join(process.env.STC_TEST_DATA, 'tools/node_modules/fast-xml-parser'));
const [svgFile, aslFile] = process.argv.slice(2);
const svg = fs.readFileSync(svgFile, 'utf8');
const valid = fxp.XMLValidator.validate(svg);
if (valid !== true) {
  console.error(`${svgFile}: not valid XML: ${JSON.stringify(valid.err)}`);
  process.exit(1);
}
const doc = new fxp.XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(svg);
const names = [];
(function walk(n) {
  if (Array.isArray(n)) return n.forEach(walk);
  if (n && typeof n === 'object') {
    if (n['@data-state'] !== undefined) names.push(String(n['@data-state']));
    Object.values(n).forEach(walk);
  }
})(doc);
const want = [];
(function states(m) {
  for (const [name, st] of Object.entries(m.States || {})) {
    want.push(name);
    (st.Branches || []).forEach(states);
    if (st.ItemProcessor || st.Iterator) states(st.ItemProcessor || st.Iterator);
  }
})(JSON.parse(fs.readFileSync(aslFile, 'utf8')));
if (!doc.svg || !doc.svg.title) { console.error('no <svg> with a <title>'); process.exit(1); }
const a = [...names].sort(), b = [...want].sort();
if (JSON.stringify(a) !== JSON.stringify(b)) {
  console.error(`${svgFile}: states ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  process.exit(1);
}
console.log(`${path.basename(svgFile)}: valid XML, ${names.length} states`);
