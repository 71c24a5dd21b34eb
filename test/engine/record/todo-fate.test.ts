import { describe, expect, it } from 'vitest'
import type { TodoRecord, TodoStatus } from '../../../src/engine/record/entries'
import { todoFate } from '../../../src/engine/record/todo-fate'
import { todoRecord } from '../../fixtures/todo-record'

// What became of a todo once the mission ended: one in flight was interrupted, and says while doing what.

const record = (status: TodoStatus, patch: Partial<TodoRecord> = {}): TodoRecord =>
  todoRecord('t', status, { description: 't', attempts: 1, ...patch })

const none = () => undefined

describe('a todo in flight when the mission ended', () => {
  it('is interrupted, with what it was doing and how the mission ended', () => {
    expect(todoFate(record('running'), none, 'stopped')).toEqual({
      status: 'interrupted',
      reason: 'the mission was stopped while it was being worked on',
    })
    expect(todoFate(record('reported'), none, 'failed')).toEqual({
      status: 'interrupted',
      reason: 'the mission failed while it was waiting for its review',
    })
    expect(todoFate(record('reviewing'), none, 'failed')).toEqual({
      status: 'interrupted',
      reason: 'the mission failed while it was in review',
    })
    expect(todoFate(record('waiting', { waitReason: '429' }), none, 'stopped')).toEqual({
      status: 'interrupted',
      reason: 'the mission was stopped while it was waiting for the provider',
    })
  })

  it('is in progress while the mission runs, and a settled todo keeps its fate at the end', () => {
    expect(todoFate(record('running'), none)).toEqual({ status: 'running' })
    expect(todoFate(record('passed'), none, 'stopped')).toEqual({ status: 'passed' })
    expect(todoFate(record('pending', { attempts: 0 }), none, 'stopped')).toEqual({
      status: 'pending',
      reason: 'never started',
    })
    expect(todoFate(record('cancelled'), none, 'stopped')).toEqual({
      status: 'cancelled',
      reason: 'cancelled by the user',
    })
  })
})
