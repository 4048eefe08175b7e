#!/usr/bin/env node
/**
 * `mesos-docker-executor`: the agent launches it on the host for a command task whose ContainerInfo is of type
 * DOCKER; it runs the task in a Docker container through the Engine API (see docker-task.ts).
 */
import { main } from './main';

void main('docker');
