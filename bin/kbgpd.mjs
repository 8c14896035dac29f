#!/usr/bin/env node
import "../dist/kbgpd.mjs";
