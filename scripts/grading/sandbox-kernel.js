#!/usr/bin/env node
// @ts-check
// A graded submission's kernel inside bubblewrap (issue 14; scripts/grading/sandbox.ts writes the kernel spec
// that starts this file, and the configuration it reads).
//
//   node sandbox-kernel.js CONNECTION_FILE CONFIG_JSON
//
// The sandbox has no network, so the kernel cannot listen on the loopback TCP ports that Jupyter's client
// (nbclient, in scripts/jupyter/execute_notebook.py) connects to. The kernel listens on Unix sockets in the one
// writable folder instead (ZeroMQ's ipc transport; tslab binds `ipc://<ip>:<port>`), and this process, outside
// the sandbox, relays every TCP connection on a port of the connection file to the socket of that port. ZeroMQ
// speaks the same protocol (ZMTP) over both, so the relay copies bytes and understands nothing. Started by the
// executor as "the kernel", it dies with it; bwrap's --die-with-parent takes the sandbox down too.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

const CHANNELS = ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'];

function main() {
  const [connectionFile, configFile] = process.argv.slice(2);
  if (!connectionFile || !configFile) {
    console.error('sandbox-kernel: usage: node sandbox-kernel.js CONNECTION_FILE CONFIG_JSON');
    process.exit(2);
  }
  /** @type {{ wrapper?: string[], bwrap: string, args: string[], scratch: string, scratchInside: string, command: string[], env: string[] }} */
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const conn = JSON.parse(fs.readFileSync(connectionFile, 'utf8'));
  // Short socket names: a Unix socket path has at most 107 bytes.
  const inner = { ...conn, transport: 'ipc', ip: path.posix.join(config.scratchInside, 'k') };
  const innerFile = path.join(config.scratch, 'connection.json');
  fs.writeFileSync(innerFile, JSON.stringify(inner));
  const socketOf = (port) => path.join(config.scratch, `k:${port}`);

  const env = [];
  for (const name of config.env) if (process.env[name] !== undefined) env.push('--setenv', name, process.env[name]);
  const args = [...config.args, ...env, ...config.command, '--config-path', path.posix.join(config.scratchInside, 'connection.json')];
  // The wrapper (setpriv, for a root grader) execs bwrap: the child is bwrap itself, and --die-with-parent ties it to this process.
  const wrapper = config.wrapper ?? [];
  const child = wrapper.length > 0 ? spawn(wrapper[0], [...wrapper.slice(1), config.bwrap, ...args], { stdio: 'inherit' }) : spawn(config.bwrap, args, { stdio: 'inherit' });
  child.on('error', (e) => {
    console.error(`sandbox-kernel: cannot start ${config.bwrap}: ${e.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(sig, () => {
      child.kill('SIGKILL');
      process.exit(1);
    });
  }

  // Listen on the TCP ports once the kernel listens on its sockets; until then the client's connections are
  // refused and ZeroMQ retries them.
  const ports = CHANNELS.map((k) => conn[k]);
  const started = Date.now();
  const poll = setInterval(() => {
    if (!ports.every((p) => fs.existsSync(socketOf(p)))) {
      if (Date.now() - started > 600_000) {
        console.error('sandbox-kernel: the kernel did not open its sockets in 10 minutes');
        child.kill('SIGKILL');
      }
      return;
    }
    clearInterval(poll);
    for (const port of ports) relay(conn.ip, port, socketOf(port));
  }, 20);
}

function relay(ip, port, socketPath) {
  const server = net.createServer((tcp) => {
    const unix = net.connect(socketPath);
    tcp.pipe(unix);
    unix.pipe(tcp);
    const close = () => {
      tcp.destroy();
      unix.destroy();
    };
    tcp.on('error', close);
    unix.on('error', close);
    tcp.on('close', close);
    unix.on('close', close);
  });
  server.on('error', (e) => {
    console.error(`sandbox-kernel: cannot listen on ${ip}:${port}: ${e.message}`);
    process.exit(2);
  });
  server.listen(port, ip);
}

main();
