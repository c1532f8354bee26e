package evac

import (
	"fmt"
	"math"
)

// Problem is one assignment: origins with a number of persons, shelters
// with a number of free places, and the arcs — origin to shelter pairs
// within the maximum travel time — with the travel time of one person.
// An origin with no arc cannot be placed anywhere.
type Problem struct {
	Supply   []int64 // persons at each origin
	Capacity []int64 // free places at each shelter
	Arcs     []Arc
}

// Arc is a shelter an origin's people may go to and how long one person
// takes (any unit; minutes in onemap).
type Arc struct {
	Origin, Shelter int
	Cost            float64
}

// Flow is a number of persons from an origin to a shelter.
type Flow struct {
	Origin, Shelter int
	Persons         int64
	Cost            float64 // per person
}

// Solution is an assignment.
type Solution struct {
	Flows []Flow // by origin, then by cost
	// Placed and Unplaced are per origin; Load per shelter.
	Placed, Unplaced []int64
	Load             []int64
	// TotalPlaced is Σ Placed; TotalCost is Σ persons × cost over the flows.
	TotalPlaced int64
	TotalCost   float64
}

// InputError reports a problem the caller must correct.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return "evac: " + e.Msg }

// Check validates the problem.
func (p Problem) Check() error {
	for i, s := range p.Supply {
		if s < 0 {
			return &InputError{fmt.Sprintf("origin %d has %d persons; a number of persons is ≥ 0", i, s)}
		}
	}
	for j, c := range p.Capacity {
		if c < 0 {
			return &InputError{fmt.Sprintf("shelter %d has %d free places; free places are ≥ 0", j, c)}
		}
	}
	for k, a := range p.Arcs {
		if a.Origin < 0 || a.Origin >= len(p.Supply) || a.Shelter < 0 || a.Shelter >= len(p.Capacity) {
			return &InputError{fmt.Sprintf("arc %d joins origin %d and shelter %d, outside the %d origins and %d shelters", k, a.Origin, a.Shelter, len(p.Supply), len(p.Capacity))}
		}
		if math.IsNaN(a.Cost) || math.IsInf(a.Cost, 0) || a.Cost < 0 {
			return &InputError{fmt.Sprintf("arc %d has travel time %v; a time is a finite number ≥ 0", k, a.Cost)}
		}
	}
	return nil
}

// solution builds a Solution from the persons on each arc.
func (p Problem) solution(flow []int64) Solution {
	s := Solution{Placed: make([]int64, len(p.Supply)), Unplaced: make([]int64, len(p.Supply)), Load: make([]int64, len(p.Capacity))}
	for k, a := range p.Arcs {
		if flow[k] <= 0 {
			continue
		}
		s.Flows = append(s.Flows, Flow{Origin: a.Origin, Shelter: a.Shelter, Persons: flow[k], Cost: a.Cost})
		s.Placed[a.Origin] += flow[k]
		s.Load[a.Shelter] += flow[k]
		s.TotalPlaced += flow[k]
		s.TotalCost += float64(flow[k]) * a.Cost
	}
	for i, v := range p.Supply {
		s.Unplaced[i] = v - s.Placed[i]
	}
	sortFlows(s.Flows)
	return s
}
