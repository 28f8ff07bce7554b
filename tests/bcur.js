// SPDX-License-Identifier: GPL-3.0-or-later
// bcur.js - the npm reference @ngraveio/bc-ur as a filter, for
// tests/t-qr-interop.sh.  The package is looked up in $MULE_BCUR_DIR
// (a directory holding node_modules/@ngraveio/bc-ur).
//
//   node bcur.js encode FRAGMENT COUNT <PAYLOAD   the first COUNT parts of
//       UREncoder(UR.fromBuffer(PAYLOAD), FRAGMENT), one a line
//   node bcur.js decode <LINES >PAYLOAD   URDecoder fed the lines until it
//       is complete; writes the payload (ur.decodeCBOR()); stderr says how
//       many lines it read.  Exit 0 complete, 1 error, 2 incomplete.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.env.MULE_BCUR_DIR || '/opt/mule-npm';
const bc = require(path.join(dir, 'node_modules', '@ngraveio', 'bc-ur'));

function encode(fragment, count) {
	const payload = fs.readFileSync(0);
	const enc = new bc.UREncoder(bc.UR.fromBuffer(payload), fragment);
	const out = [];
	for (let i = 0; i < count; i++)
		out.push(enc.nextPart());
	process.stdout.write(out.join('\n') + '\n');
}

function decode() {
	const lines = fs.readFileSync(0, 'latin1').split('\n');
	const dec = new bc.URDecoder();
	let n = 0;
	for (const line of lines) {
		if (dec.isComplete())
			break;
		if (line === '')
			continue;
		n++;
		dec.receivePart(line);
	}
	process.stderr.write(`bcur.js: ${n} lines read\n`);
	if (dec.isError()) {
		process.stderr.write(`bcur.js: ${dec.resultError()}\n`);
		process.exit(1);
	}
	if (!dec.isSuccess())
		process.exit(2);
	process.stdout.write(dec.resultUR().decodeCBOR());
}

const [cmd, a, b] = process.argv.slice(2);
try {
	if (cmd === 'encode')
		encode(Number(a), Number(b));
	else if (cmd === 'decode')
		decode();
	else {
		process.stderr.write('usage: bcur.js encode FRAGMENT COUNT | decode\n');
		process.exit(2);
	}
} catch (e) {
	process.stderr.write(`bcur.js: ${e && e.message ? e.message : e}\n`);
	process.exit(1);
}
