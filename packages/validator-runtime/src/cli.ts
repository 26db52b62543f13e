#!/usr/bin/env node
import { main } from "./cli/main";

// Exit explicitly: keep-alive sockets of the callback client must not hold the container open.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  () => process.exit(70),
);
