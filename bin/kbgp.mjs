#!/usr/bin/env node
import "../dist/kbgp.mjs";
