#!/usr/bin/env node
require("../dist/kbgp.cjs");
