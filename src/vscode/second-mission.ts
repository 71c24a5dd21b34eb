// One mission at a time: a second Run while one starts or runs is answered with what runs and how
// to stop it, as information (nothing failed), before the user types a goal in vain where possible.

import * as vscode from 'vscode'
import { Commands, Views } from '../shared/constants'
import type { MissionController } from './mission-controller'
import { cutLine } from '../engine/util/cut-line'
import { toast } from './toast'

/** What the user is told when they run a mission while `goal` starts or runs. */
export function secondMissionWords(goal: string | undefined): string {
  const which = goal ? `"${cutLine(goal, 80)}"` : 'another mission'
  return `A mission is already under way: ${which}. Stop it before starting another; your goal is kept.`
}

/** True (and the user told, with Show Dashboard and Stop Mission) when a mission starts or runs. */
export function refusedWhileRunning(missions: MissionController): boolean {
  if (!missions.running) return false
  const goal = missions.starting?.goal ?? missions.current?.goal
  void toast.info(secondMissionWords(goal), 'Show Dashboard', 'Stop Mission').then((choice) => {
    if (choice === 'Show Dashboard') void vscode.commands.executeCommand(`${Views.dashboard}.focus`)
    else if (choice === 'Stop Mission') void vscode.commands.executeCommand(Commands.stopMission)
  })
  return true
}
