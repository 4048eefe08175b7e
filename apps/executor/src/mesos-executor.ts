#!/usr/bin/env node
/** `mesos-executor`: the command executor, which the agent launches for a task without an executor of its own. */
import { main } from './main';

void main('command');
